//! The basemaps a user can choose, how the command line names them, and how each is opened.
//!
//! [`Source::Offline`] (the default) is the built-in basemap and needs nothing. The three named
//! online sources and a typed XYZ template download tiles; `.mbtiles` and `.pmtiles` files are
//! read from the disk. Only [`Source::open`] on an online source builds an HTTP client: parsing,
//! describing and remembering a source never touch the network.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::cache::DiskCache;
use super::http::{HttpError, HttpLoader, HttpSource};
use super::mbtiles::{MbTiles, MbTilesError};
use super::pmtiles::{PmTilesError, PmTilesFile};
use super::template::{TemplateError, UrlTemplate};
use super::wayback::{self, Release, WaybackError};
use super::{TileLoader, TileSetInfo};

/// A basemap.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Source {
    /// The built-in basemap of Cambodia and its neighbours. Never uses the network.
    #[default]
    Offline,
    /// OpenStreetMap's standard tiles.
    OpenStreetMap,
    /// Esri World Imagery (satellite and aerial photographs).
    Satellite,
    /// OpenTopoMap (topographic, with contours and hill shading).
    OpenTopoMap,
    /// A tile server given by its URL template.
    Xyz(String),
    /// A local MBTiles file (SQLite).
    MbTiles(PathBuf),
    /// A local PMTiles file.
    PmTiles(PathBuf),
    /// A dated release of Esri World Imagery (Wayback).
    Wayback(WaybackChoice),
}

/// A Wayback release: asked for by date, and once the list of releases has been read, the
/// release nearest that date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaybackChoice {
    /// The date asked for, `YYYY-MM-DD`.
    pub date: String,
    /// The release chosen, once known (saved with it, so reopening needs no list).
    #[serde(default)]
    pub release: Option<Release>,
}

/// What the words of `--basemap` mean, for `--help` and error messages.
pub const SOURCE_HELP: &str = "offline, osm, satellite, topo, wayback:YYYY-MM-DD (the Esri \
World Imagery release nearest that date), an XYZ URL template (http://…/{z}/{x}/{y}.png, {-y} \
for TMS rows, {s} for a/b/c subdomains) or the path of a .mbtiles or .pmtiles file";

/// Why a `--basemap` value cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("unknown basemap {0:?}; use {SOURCE_HELP}")]
    Unknown(String),
    #[error("bad tile URL template {template:?}: {source}")]
    Template {
        template: String,
        #[source]
        source: TemplateError,
    },
    #[error("{}: no such file", .0.display())]
    NoFile(PathBuf),
    #[error("{}: not a .mbtiles or .pmtiles file", .0.display())]
    NotTiles(PathBuf),
    #[error(transparent)]
    MbTiles(#[from] MbTilesError),
    #[error(transparent)]
    PmTiles(#[from] PmTilesError),
    #[error("cannot start downloading tiles: {0}")]
    Http(#[from] HttpError),
    #[error(transparent)]
    Wayback(#[from] WaybackError),
}

/// Where a known tile server is and what it asks of clients.
struct Server {
    template: &'static str,
    attribution: &'static str,
    max_zoom: u8,
    /// Simultaneous downloads the server's policy allows (OpenStreetMap asks for few).
    parallelism: usize,
}

const OSM: Server = Server {
    template: "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    attribution: "© OpenStreetMap contributors",
    max_zoom: 19,
    parallelism: 2,
};

const SATELLITE: Server = Server {
    template: "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}",
    attribution: "Imagery: Powered by Esri · Source: Esri, Maxar, Earthstar Geographics, and the GIS User Community",
    max_zoom: 19,
    parallelism: 4,
};

const TOPO: Server = Server {
    template: "https://{s}.tile.opentopomap.org/{z}/{x}/{y}.png",
    attribution: "Map data: © OpenStreetMap contributors, SRTM · Map style: © OpenTopoMap (CC-BY-SA)",
    max_zoom: 17,
    parallelism: 2,
};

impl Server {
    fn spec(&self) -> Result<HttpSource, SourceError> {
        Ok(HttpSource {
            template: parse_template(self.template)?,
            attribution: Some(self.attribution.to_owned()),
            max_zoom: self.max_zoom,
            parallelism: self.parallelism,
        })
    }
}

fn parse_template(template: &str) -> Result<UrlTemplate, SourceError> {
    UrlTemplate::parse(template).map_err(|source| SourceError::Template {
        template: template.to_owned(),
        source,
    })
}

impl Source {
    /// Read a `--basemap` value: a word, a URL template or a tile file's path. Files are opened
    /// and checked (format, zoom levels), templates checked for their placeholders, so that
    /// every mistake is reported here. No network access.
    pub fn parse(value: &str) -> Result<Self, SourceError> {
        let trimmed = value.trim();
        let word = trimmed.to_ascii_lowercase();
        let source = match word.as_str() {
            "offline" | "builtin" | "built-in" => Self::Offline,
            "osm" | "openstreetmap" => Self::OpenStreetMap,
            "satellite" | "esri" | "imagery" => Self::Satellite,
            "topo" | "opentopomap" => Self::OpenTopoMap,
            _ if word.starts_with("http://") || word.starts_with("https://") => {
                Self::Xyz(trimmed.to_owned())
            }
            _ if word.starts_with("wayback:") => {
                let date = &trimmed["wayback:".len()..];
                let day =
                    wayback::parse_day(date).ok_or_else(|| WaybackError::Date(date.to_owned()))?;
                Self::Wayback(WaybackChoice {
                    date: day.to_string(),
                    release: None,
                })
            }
            _ => {
                let path = PathBuf::from(trimmed);
                match tile_file_kind(&path) {
                    Some(FileKind::MbTiles) => Self::MbTiles(path),
                    Some(FileKind::PmTiles) => Self::PmTiles(path),
                    None if path.exists() => return Err(SourceError::NotTiles(path)),
                    None if trimmed.contains(['/', '\\', '.']) => {
                        return Err(SourceError::NoFile(path));
                    }
                    None => return Err(SourceError::Unknown(trimmed.to_owned())),
                }
            }
        };
        source.check()?;
        Ok(source)
    }

    /// Check that the source can be used, without the network: a template's placeholders, a
    /// file's existence and contents.
    pub fn check(&self) -> Result<(), SourceError> {
        match self {
            Self::Xyz(template) => {
                parse_template(template)?;
            }
            Self::MbTiles(path) | Self::PmTiles(path) if !path.exists() => {
                return Err(SourceError::NoFile(path.clone()));
            }
            Self::MbTiles(path) => {
                MbTiles::open(path)?;
            }
            Self::PmTiles(path) => {
                PmTilesFile::open(path)?;
            }
            Self::Offline
            | Self::OpenStreetMap
            | Self::Satellite
            | Self::OpenTopoMap
            | Self::Wayback(_) => {}
        }
        Ok(())
    }

    /// Whether showing this source downloads tiles from the internet.
    pub fn is_online(&self) -> bool {
        matches!(
            self,
            Self::OpenStreetMap
                | Self::Satellite
                | Self::OpenTopoMap
                | Self::Xyz(_)
                | Self::Wayback(_)
        )
    }

    /// A short name for menus and the status line.
    pub fn label(&self) -> String {
        match self {
            Self::Offline => "Offline basemap".into(),
            Self::OpenStreetMap => "OpenStreetMap".into(),
            Self::Satellite => "Satellite (Esri World Imagery)".into(),
            Self::OpenTopoMap => "OpenTopoMap".into(),
            Self::Xyz(template) => match UrlTemplate::parse(template) {
                Ok(t) => format!("Tiles from {}", t.host()),
                Err(_) => "Custom tiles".into(),
            },
            Self::MbTiles(path) | Self::PmTiles(path) => file_name(path),
            Self::Wayback(choice) => match &choice.release {
                Some(release) => format!("Esri Wayback {}", release.date),
                None => format!("Esri Wayback (nearest {})", choice.date),
            },
        }
    }

    /// For a Wayback source asked for by date: the release nearest that date, from the
    /// configuration at `config_url` (network). Every other source is returned as it is.
    pub fn resolve(&self, config_url: &str) -> Result<Source, SourceError> {
        let Self::Wayback(choice) = self else {
            return Ok(self.clone());
        };
        if choice.release.is_some() {
            return Ok(self.clone());
        }
        let releases = wayback::fetch_releases(config_url)?;
        let day = wayback::parse_day(&choice.date)
            .ok_or_else(|| WaybackError::Date(choice.date.clone()))?;
        let release =
            wayback::nearest(&releases, day)
                .cloned()
                .ok_or_else(|| WaybackError::Empty {
                    url: config_url.to_owned(),
                })?;
        Ok(Self::Wayback(WaybackChoice {
            date: choice.date.clone(),
            release: Some(release),
        }))
    }

    /// The folder name of this source's tiles in the disk cache (online sources only). A typed
    /// template is named by a hash, so no part of its URL (an API key, say) is written to disk.
    pub fn cache_id(&self) -> Option<String> {
        match self {
            Self::OpenStreetMap => Some("osm".into()),
            Self::Satellite => Some("esri-world-imagery".into()),
            Self::OpenTopoMap => Some("opentopomap".into()),
            Self::Xyz(template) => Some(format!("xyz-{:016x}", fnv1a(template.trim().as_bytes()))),
            Self::Wayback(choice) => choice
                .release
                .as_ref()
                .map(|r| format!("wayback-{}", r.number)),
            Self::Offline | Self::MbTiles(_) | Self::PmTiles(_) => None,
        }
    }

    /// Open the source's tiles: `None` for the offline basemap, else a loader for the tile
    /// workers. For an online source this builds the HTTP client (and nothing before it does);
    /// downloaded tiles go to `cache` if given. A Wayback source asked for by date is first
    /// resolved with Esri's configuration ([`Source::resolve`] chooses another).
    pub fn open(
        &self,
        cache: Option<Arc<DiskCache>>,
    ) -> Result<Option<Arc<dyn TileLoader>>, SourceError> {
        if let Self::Wayback(WaybackChoice { release: None, .. }) = self {
            return self.resolve(wayback::DEFAULT_CONFIG_URL)?.open(cache);
        }
        let spec = match self {
            Self::Offline => return Ok(None),
            Self::MbTiles(path) => return Ok(Some(Arc::new(MbTiles::open(path)?))),
            Self::PmTiles(path) => return Ok(Some(Arc::new(PmTilesFile::open(path)?))),
            Self::OpenStreetMap => OSM.spec()?,
            Self::Satellite => SATELLITE.spec()?,
            Self::OpenTopoMap => TOPO.spec()?,
            Self::Xyz(template) => HttpSource {
                template: parse_template(template)?,
                attribution: None,
                max_zoom: 19,
                parallelism: 4,
            },
            Self::Wayback(choice) => {
                let release = choice.release.as_ref().ok_or_else(|| WaybackError::Empty {
                    url: wayback::DEFAULT_CONFIG_URL.into(),
                })?;
                HttpSource {
                    template: parse_template(&release.template)?,
                    attribution: Some(super::credit::release(wayback::CREDIT, &release.date)),
                    max_zoom: 19,
                    parallelism: 4,
                }
            }
        };
        let loader = HttpLoader::new(spec, cache.zip(self.cache_id()))?;
        Ok(Some(Arc::new(loader)))
    }

    /// What a local tile file says about itself (name, zoom levels, attribution).
    pub fn file_info(&self) -> Option<Result<TileSetInfo, SourceError>> {
        match self {
            Self::MbTiles(path) => Some(
                MbTiles::open(path)
                    .map(|m| m.info().clone())
                    .map_err(Into::into),
            ),
            Self::PmTiles(path) => Some(
                PmTilesFile::open(path)
                    .map(|p| p.info().clone())
                    .map_err(Into::into),
            ),
            _ => None,
        }
    }
}

enum FileKind {
    MbTiles,
    PmTiles,
}

fn tile_file_kind(path: &Path) -> Option<FileKind> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "mbtiles" => Some(FileKind::MbTiles),
        "pmtiles" => Some(FileKind::PmTiles),
        _ => None,
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// FNV-1a, 64 bits: a stable hash (unlike std's), so cache folders keep their names across
/// builds.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_words_name_the_built_in_sources() {
        assert_eq!(Source::parse("offline").ok(), Some(Source::Offline));
        assert_eq!(Source::parse("OSM").ok(), Some(Source::OpenStreetMap));
        assert_eq!(Source::parse("satellite").ok(), Some(Source::Satellite));
        assert_eq!(Source::parse(" topo ").ok(), Some(Source::OpenTopoMap));
    }

    #[test]
    fn a_template_is_kept_as_typed_and_checked() {
        let t = "http://127.0.0.1:8080/{z}/{x}/{-y}.png";
        assert_eq!(Source::parse(t).ok(), Some(Source::Xyz(t.into())));
        let err = Source::parse("https://tiles.example.org/{z}/{x}.png")
            .expect_err("no {y}")
            .to_string();
        assert!(err.contains("{y}"), "{err}");
    }

    #[test]
    fn unknown_words_and_missing_files_are_reported_clearly() {
        let err = Source::parse("google").expect_err("unknown").to_string();
        assert!(err.contains("unknown basemap \"google\""), "{err}");
        assert!(err.contains("offline, osm, satellite, topo"), "{err}");
        let err = Source::parse("/nowhere/kh.mbtiles")
            .expect_err("missing")
            .to_string();
        assert!(err.contains("no such file"), "{err}");
        let err = Source::parse("maps/tiles.zip")
            .expect_err("missing")
            .to_string();
        assert!(err.contains("no such file"), "{err}");
        let dir = tempfile::tempdir().expect("temp dir");
        let other = dir.path().join("notes.txt");
        std::fs::write(&other, "x").expect("write");
        let err = Source::parse(&other.display().to_string())
            .expect_err("not tiles")
            .to_string();
        assert!(err.contains("not a .mbtiles or .pmtiles file"), "{err}");
    }

    #[test]
    fn only_the_downloading_sources_are_online() {
        assert!(!Source::Offline.is_online());
        assert!(!Source::MbTiles("a.mbtiles".into()).is_online());
        assert!(!Source::PmTiles("a.pmtiles".into()).is_online());
        assert!(Source::OpenStreetMap.is_online());
        assert!(Source::Xyz("http://h/{z}/{x}/{y}".into()).is_online());
    }

    #[test]
    fn opening_the_offline_source_gives_no_loader() {
        assert!(matches!(Source::Offline.open(None), Ok(None)));
    }

    #[test]
    fn cache_folders_are_stable_and_hide_the_template() {
        let a = Source::Xyz("https://h/{z}/{x}/{y}.png?key=SECRET".into());
        let id = a.cache_id().expect("online");
        assert!(id.starts_with("xyz-") && !id.contains("SECRET"), "{id}");
        assert_eq!(a.cache_id(), a.clone().cache_id());
        assert_ne!(
            id,
            Source::Xyz("https://h/{z}/{x}/{y}.png".into())
                .cache_id()
                .expect("online")
        );
        // A fixed value, so a new build finds the tiles an old one cached.
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn a_source_survives_being_remembered() {
        for s in [
            Source::Offline,
            Source::Satellite,
            Source::Xyz("http://h/{z}/{x}/{y}".into()),
            Source::PmTiles("/data/kh.pmtiles".into()),
        ] {
            let json = serde_json::to_string(&s).expect("serialize");
            let back: Source = serde_json::from_str(&json).expect("deserialize");
            assert_eq!(back, s);
        }
    }
}
