//! Downloading tiles from a tile server, through the disk cache.
//!
//! The HTTP client is built only by [`client`], which [`HttpLoader::new`] calls when
//! [`super::Source::open`] opens an online source the user picked, [`super::wayback`] when the
//! user opens the list of dated imagery releases, and [`super::save`] when the user saves an area
//! of an online source: before that raidmap has no HTTP client, opens no socket and resolves no
//! name. Every request names raidmap and its version in `User-Agent`, as
//! OpenStreetMap's tile usage policy asks. A fresh tile in the cache is used without a request; a
//! stale one is used when the server cannot be reached.

use std::ops::RangeInclusive;
use std::sync::{Arc, Once};
use std::time::Duration;

use super::cache::DiskCache;
use super::template::UrlTemplate;
use super::{LoadError, TileKey, TileLoader};

/// Sent with every tile request.
pub const USER_AGENT: &str = concat!("raidmap/", env!("CARGO_PKG_VERSION"));

/// Where the tiles are and what the server allows.
#[derive(Debug, Clone)]
pub struct HttpSource {
    pub template: UrlTemplate,
    pub attribution: Option<String>,
    pub max_zoom: u8,
    /// Simultaneous downloads at most.
    pub parallelism: usize,
}

/// Why downloading cannot start at all.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("the HTTP client could not be set up")]
    Client(#[source] reqwest::Error),
}

/// Tiles from a server, cached on disk.
pub struct HttpLoader {
    source: HttpSource,
    client: reqwest::blocking::Client,
    /// The cache and this source's folder in it.
    cache: Option<(Arc<DiskCache>, String)>,
}

impl std::fmt::Debug for HttpLoader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpLoader")
            .field("template", &self.source.template.as_str())
            .finish_non_exhaustive()
    }
}

impl HttpLoader {
    /// Build the HTTP client for `source`. This is where raidmap starts being able to use the
    /// network; nothing is sent until a tile is loaded.
    pub fn new(
        source: HttpSource,
        cache: Option<(Arc<DiskCache>, String)>,
    ) -> Result<Self, HttpError> {
        let client = client()?;
        log::info!(
            "online basemap: downloading tiles from {}",
            source.template.host()
        );
        Ok(Self {
            source,
            client,
            cache,
        })
    }

    /// One request. `Ok(None)` when the server has no tile there (404, 410, 204).
    fn download(&self, key: TileKey) -> Result<Option<Vec<u8>>, LoadError> {
        let url = self.source.template.url(key);
        let host = || self.source.template.host().to_owned();
        log::trace!("GET {url}");
        let response = self
            .client
            .get(&url)
            .send()
            .map_err(|source| LoadError::Connection {
                host: host(),
                source,
            })?;
        let status = response.status();
        if status == reqwest::StatusCode::NOT_FOUND
            || status == reqwest::StatusCode::GONE
            || status == reqwest::StatusCode::NO_CONTENT
        {
            return Ok(None);
        }
        if !status.is_success() {
            return Err(LoadError::Status {
                host: host(),
                status: status.as_u16(),
            });
        }
        let body = response.bytes().map_err(|source| LoadError::Connection {
            host: host(),
            source,
        })?;
        Ok(Some(body.to_vec()))
    }
}

impl TileLoader for HttpLoader {
    fn load(&self, key: TileKey) -> Result<Option<Vec<u8>>, LoadError> {
        let cached = self.cache.as_ref().and_then(|(c, id)| c.get(id, key));
        let stale = match cached {
            Some(tile) if tile.is_fresh() => return Ok(Some(tile.data)),
            other => other,
        };
        match self.download(key) {
            Ok(Some(data)) => {
                if let Some((cache, id)) = &self.cache
                    && let Err(err) = cache.put(id, key, &data)
                {
                    log::warn!(
                        "could not keep tile {key} in {}: {err}",
                        cache.root().display()
                    );
                }
                Ok(Some(data))
            }
            Ok(None) => Ok(None),
            Err(err) => match stale {
                // Offline (or the server is down): an old tile beats none.
                Some(tile) => {
                    log::debug!("using a stale cached tile {key}: {err}");
                    Ok(Some(tile.data))
                }
                None => Err(err),
            },
        }
    }

    fn zoom_range(&self) -> RangeInclusive<u8> {
        0..=self.source.max_zoom
    }

    fn parallelism(&self) -> usize {
        self.source.parallelism.max(1)
    }

    fn attribution(&self) -> Option<String> {
        Some(
            self.source
                .attribution
                .clone()
                .unwrap_or_else(|| format!("Tiles: {}", self.source.template.host())),
        )
    }
}

/// The HTTP client every request of raidmap goes through: names raidmap in `User-Agent`, gives
/// up on a server after 10 s (connecting) or 30 s (a whole answer).
pub fn client() -> Result<reqwest::blocking::Client, HttpError> {
    install_crypto_provider();
    reqwest::blocking::Client::builder()
        .user_agent(USER_AGENT)
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(HttpError::Client)
}

/// TLS uses rustls with the `ring` crypto provider (it builds faster than aws-lc-rs); it must be
/// installed once per process before the first client.
fn install_crypto_provider() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Fails only if a provider is installed already, which is as good.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}
