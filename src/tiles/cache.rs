//! The disk cache for downloaded tiles: one file per tile under the platform cache folder
//! (`~/.cache/raidmap/tiles` on Linux), bounded in size, least recently used tiles removed first.
//!
//! What it promises:
//! - A tile is stored as `<root>/<source>/<z>/<x>/<y>.tile`, written to a temporary file and
//!   renamed, so a reader never sees half a tile. (No `sync_all`: a tile lost in a crash is just
//!   downloaded again, and syncing every tile would make panning slow.)
//! - The total size stays under the limit: after a write goes over it, the least recently used
//!   tiles (by file modification time, which a cache hit refreshes) are removed until the cache
//!   is at 90 % of the limit.
//! - Tiles younger than [`FRESH_FOR`] are used without asking the server (OpenStreetMap's tile
//!   policy asks clients to keep tiles at least 7 days); older ones are downloaded again, and
//!   still used when the server cannot be reached.
//! - The cache reveals which areas were viewed: [`DiskCache::clear`] removes every tile.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use super::TileKey;

/// How long a downloaded tile is used without asking the server again.
pub const FRESH_FOR: Duration = Duration::from_secs(7 * 24 * 3600);

/// The default size limit: 500 MB.
pub const DEFAULT_LIMIT_BYTES: u64 = 500 * 1000 * 1000;

const TILE_EXTENSION: &str = "tile";

/// The folder raidmap keeps downloaded tiles in, if the platform has a cache folder.
pub fn default_root() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "raidmap").map(|d| d.cache_dir().join("tiles"))
}

/// A tile read from the cache, and how old it is.
#[derive(Debug, Clone)]
pub struct CachedTile {
    pub data: Vec<u8>,
    pub age: Duration,
}

impl CachedTile {
    /// Whether it may be used without asking the server.
    pub fn is_fresh(&self) -> bool {
        self.age < FRESH_FOR
    }
}

/// A size-bounded folder of tiles, shared by the tile workers (all methods take `&self`).
#[derive(Debug)]
pub struct DiskCache {
    root: PathBuf,
    limit_bytes: AtomicU64,
    /// Bytes in the cache, once counted ([`DiskCache::scan`]); writes and removals keep it.
    used_bytes: AtomicU64,
    counted: AtomicBool,
    /// Held while tiles are removed, so two evictions do not race.
    evicting: Mutex<()>,
    temp_counter: AtomicU64,
}

impl DiskCache {
    /// A cache in `root`, which is made when the first tile is written. Nothing is read yet:
    /// call [`DiskCache::scan`] (it walks the folder) to learn its size.
    pub fn new(root: impl Into<PathBuf>, limit_bytes: u64) -> Self {
        Self {
            root: root.into(),
            limit_bytes: AtomicU64::new(limit_bytes),
            used_bytes: AtomicU64::new(0),
            counted: AtomicBool::new(false),
            evicting: Mutex::new(()),
            temp_counter: AtomicU64::new(0),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn limit_bytes(&self) -> u64 {
        self.limit_bytes.load(Ordering::Relaxed)
    }

    /// Bytes of tiles in the cache, once [`DiskCache::scan`] has counted them.
    pub fn used_bytes(&self) -> Option<u64> {
        self.counted
            .load(Ordering::Acquire)
            .then(|| self.used_bytes.load(Ordering::Relaxed))
    }

    /// Count the tiles' bytes (walks the whole folder; run it off the GUI thread). Also removes
    /// tiles if the cache is over its limit, e.g. after the limit was lowered.
    pub fn scan(&self) -> io::Result<u64> {
        let total: u64 = tile_files(&self.root)?.iter().map(|f| f.len).sum();
        self.used_bytes.store(total, Ordering::Relaxed);
        self.counted.store(true, Ordering::Release);
        self.evict_if_over()?;
        Ok(self.used_bytes.load(Ordering::Relaxed))
    }

    /// Change the limit, removing tiles at once if the cache is now over it.
    pub fn set_limit_bytes(&self, limit: u64) -> io::Result<()> {
        self.limit_bytes.store(limit, Ordering::Relaxed);
        self.evict_if_over()
    }

    fn path(&self, source: &str, key: TileKey) -> PathBuf {
        self.root
            .join(source)
            .join(key.z.to_string())
            .join(key.x.to_string())
            .join(format!("{}.{TILE_EXTENSION}", key.y))
    }

    /// A cached tile of `source` (a folder name, see [`super::Source::cache_id`]), if there is
    /// one. A hit marks the tile as recently used.
    pub fn get(&self, source: &str, key: TileKey) -> Option<CachedTile> {
        let path = self.path(source, key);
        let bytes = fs::read(&path).ok()?;
        let (downloaded, data) = decode(&bytes)?;
        let now = SystemTime::now();
        // The modification time orders eviction: a hit makes the tile the most recently used.
        if let Ok(file) = fs::File::options().write(true).open(&path) {
            let _ = file.set_modified(now);
        }
        Some(CachedTile {
            data: data.to_vec(),
            age: now.duration_since(downloaded).unwrap_or_default(),
        })
    }

    /// Store a tile just downloaded, replacing any older copy, then keep the cache under its
    /// limit.
    pub fn put(&self, source: &str, key: TileKey, data: &[u8]) -> io::Result<()> {
        self.put_downloaded_at(source, key, data, SystemTime::now())
    }

    /// Store a tile downloaded at `downloaded` (which decides when it goes stale).
    pub fn put_downloaded_at(
        &self,
        source: &str,
        key: TileKey,
        data: &[u8],
        downloaded: SystemTime,
    ) -> io::Result<()> {
        let path = self.path(source, key);
        let Some(folder) = path.parent() else {
            return Err(io::Error::other("tile path has no folder"));
        };
        fs::create_dir_all(folder)?;
        let n = self.temp_counter.fetch_add(1, Ordering::Relaxed);
        let temp = folder.join(format!(".{}.{}-{n}.tmp", key.y, std::process::id()));
        let bytes = encode(downloaded, data);
        let written = (|| {
            let mut file = fs::File::create(&temp)?;
            file.write_all(&bytes)?;
            drop(file);
            let old = fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            fs::rename(&temp, &path)?;
            Ok::<u64, io::Error>(old)
        })();
        let old = match written {
            Ok(old) => old,
            Err(err) => {
                let _ = fs::remove_file(&temp);
                return Err(err);
            }
        };
        let new = bytes.len() as u64;
        let _ = self
            .used_bytes
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |used| {
                Some((used + new).saturating_sub(old))
            });
        self.evict_if_over()
    }

    /// Remove every cached tile.
    pub fn clear(&self) -> io::Result<()> {
        let _guard = self.evicting.lock().map_err(|_| poisoned())?;
        match fs::remove_dir_all(&self.root) {
            Ok(()) => {}
            Err(err) if err.kind() == io::ErrorKind::NotFound => {}
            Err(err) => return Err(err),
        }
        self.used_bytes.store(0, Ordering::Relaxed);
        self.counted.store(true, Ordering::Release);
        Ok(())
    }

    /// If over the limit (and counted), remove least recently used tiles down to 90 % of it.
    fn evict_if_over(&self) -> io::Result<()> {
        let limit = self.limit_bytes();
        if !self.counted.load(Ordering::Acquire) || self.used_bytes.load(Ordering::Relaxed) <= limit
        {
            return Ok(());
        }
        // Another thread is already evicting: it will bring the size down.
        let Ok(_guard) = self.evicting.try_lock() else {
            return Ok(());
        };
        let mut files = tile_files(&self.root)?;
        let mut total: u64 = files.iter().map(|f| f.len).sum();
        let target = limit / 10 * 9;
        files.sort_by_key(|f| f.used);
        for file in files {
            if total <= target {
                break;
            }
            match fs::remove_file(&file.path) {
                Ok(()) => total = total.saturating_sub(file.len),
                Err(err) if err.kind() == io::ErrorKind::NotFound => {
                    total = total.saturating_sub(file.len)
                }
                Err(err) => return Err(err),
            }
        }
        self.used_bytes.store(total, Ordering::Relaxed);
        Ok(())
    }
}

fn poisoned() -> io::Error {
    io::Error::other("the tile cache's lock was poisoned")
}

/// A tile file starts with this, then the download time (seconds since 1970, little-endian
/// u64), then the tile as the server sent it.
const MAGIC: &[u8; 8] = b"rmtile1\n";

fn encode(downloaded: SystemTime, data: &[u8]) -> Vec<u8> {
    let seconds = downloaded
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let mut bytes = Vec::with_capacity(16 + data.len());
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&seconds.to_le_bytes());
    bytes.extend_from_slice(data);
    bytes
}

/// The download time and the tile, or `None` for a file that is not one of ours.
fn decode(bytes: &[u8]) -> Option<(SystemTime, &[u8])> {
    let rest = bytes.strip_prefix(MAGIC)?;
    let (seconds, data) = rest.split_first_chunk::<8>()?;
    let downloaded = SystemTime::UNIX_EPOCH + Duration::from_secs(u64::from_le_bytes(*seconds));
    Some((downloaded, data))
}

struct TileFile {
    path: PathBuf,
    len: u64,
    used: SystemTime,
}

/// Every tile file under `root` (none if it does not exist yet).
fn tile_files(root: &Path) -> io::Result<Vec<TileFile>> {
    let mut out = Vec::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let entries = match fs::read_dir(&folder) {
            Ok(entries) => entries,
            Err(err) if err.kind() == io::ErrorKind::NotFound => continue,
            Err(err) => return Err(err),
        };
        for entry in entries {
            let entry = entry?;
            let kind = entry.file_type()?;
            let path = entry.path();
            if kind.is_dir() {
                folders.push(path);
            } else if kind.is_file()
                && path.extension().is_some_and(|e| e == TILE_EXTENSION)
                && let Ok(meta) = entry.metadata()
            {
                out.push(TileFile {
                    len: meta.len(),
                    used: meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
                    path,
                });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(x: u32) -> TileKey {
        TileKey::new(10, x, 7)
    }

    #[test]
    fn a_stored_tile_is_read_back_fresh() {
        let dir = tempfile::tempdir().expect("temp dir");
        let cache = DiskCache::new(dir.path().join("tiles"), DEFAULT_LIMIT_BYTES);
        assert!(cache.get("osm", key(1)).is_none());
        cache.put("osm", key(1), b"tile one").expect("put");
        let hit = cache.get("osm", key(1)).expect("cached");
        assert_eq!(hit.data, b"tile one");
        assert!(hit.is_fresh(), "age {:?}", hit.age);
        // Sources do not share tiles.
        assert!(cache.get("satellite", key(1)).is_none());
        assert!(dir.path().join("tiles/osm/10/1/7.tile").is_file());
    }

    #[test]
    fn the_cache_stays_under_its_limit_by_removing_the_least_recently_used_tiles() {
        let dir = tempfile::tempdir().expect("temp dir");
        let cache = DiskCache::new(dir.path(), 10_000);
        assert_eq!(cache.scan().expect("scan"), 0);
        // 1000 bytes on disk with the 16-byte header.
        let tile = vec![7u8; 984];
        for x in 0..9 {
            cache.put("s", key(x), &tile).expect("put");
            // Distinct modification times, oldest first.
            let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000 + u64::from(x));
            let f = fs::File::options()
                .write(true)
                .open(cache.path("s", key(x)))
                .expect("open");
            f.set_modified(t).expect("set mtime");
        }
        assert_eq!(cache.used_bytes(), Some(9000));
        // Using tile 0 makes it the most recently used.
        assert!(cache.get("s", key(0)).is_some());
        // Two more tiles go over 10 000 bytes: evicted down to 9 000, oldest first.
        cache.put("s", key(9), &tile).expect("put");
        cache.put("s", key(10), &tile).expect("put");
        let used = cache.used_bytes().expect("counted");
        assert!(used <= 10_000, "{used} bytes");
        assert!(cache.get("s", key(0)).is_some(), "recently used tile kept");
        assert!(cache.get("s", key(10)).is_some(), "newest tile kept");
        assert!(cache.get("s", key(1)).is_none(), "oldest tile removed");
        assert_eq!(
            cache.scan().expect("scan"),
            used,
            "the count matches the disk"
        );
    }

    #[test]
    fn lowering_the_limit_removes_tiles_and_clearing_removes_all() {
        let dir = tempfile::tempdir().expect("temp dir");
        let cache = DiskCache::new(dir.path().join("c"), DEFAULT_LIMIT_BYTES);
        cache.scan().expect("scan");
        for x in 0..10 {
            cache.put("s", key(x), &[1u8; 500]).expect("put");
        }
        assert_eq!(cache.used_bytes(), Some(10 * (500 + 16)));
        cache.set_limit_bytes(2000).expect("limit");
        assert!(cache.used_bytes().expect("counted") <= 2000);
        cache.clear().expect("clear");
        assert_eq!(cache.used_bytes(), Some(0));
        assert!(cache.get("s", key(9)).is_none());
        assert_eq!(cache.scan().expect("scan"), 0);
    }

    #[test]
    fn a_tile_older_than_a_week_is_stale() {
        let dir = tempfile::tempdir().expect("temp dir");
        let cache = DiskCache::new(dir.path(), DEFAULT_LIMIT_BYTES);
        let eight_days_ago = SystemTime::now() - Duration::from_secs(8 * 24 * 3600);
        cache
            .put_downloaded_at("s", key(1), b"old", eight_days_ago)
            .expect("put");
        let hit = cache.get("s", key(1)).expect("cached");
        assert_eq!(hit.data, b"old");
        assert!(!hit.is_fresh(), "age {:?}", hit.age);
        // A file that is not one of ours is not a tile.
        let path = cache.path("s", key(2));
        std::fs::create_dir_all(path.parent().expect("folder")).expect("mkdir");
        std::fs::write(path, b"garbage").expect("write");
        assert!(cache.get("s", key(2)).is_none());
    }

    #[test]
    fn replacing_a_tile_counts_only_the_new_bytes() {
        let dir = tempfile::tempdir().expect("temp dir");
        let cache = DiskCache::new(dir.path(), DEFAULT_LIMIT_BYTES);
        cache.scan().expect("scan");
        cache.put("s", key(1), &[0u8; 300]).expect("put");
        cache.put("s", key(1), &[0u8; 100]).expect("put");
        assert_eq!(cache.used_bytes(), Some(100 + 16));
    }
}
