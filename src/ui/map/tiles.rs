//! Raster tiles on the map: a walkers [`Tiles`] source that loads tiles from any
//! [`TileLoader`] (tile server, MBTiles, PMTiles) on worker threads, keeps them as textures and
//! paints them into a part of the map ([`TileLayer::paint`]: one basemap, or each side of a
//! comparison).
//!
//! Why not walkers' `HttpTiles`: it keeps a failed tile blank until the tile is evicted from its
//! cache (so one failed request while offline leaves a hole for the rest of the session), its
//! disk cache has no size bound, and it takes no other kind of source. Here:
//! - a tile that failed is tried again after a back-off (2 s, 4 s, … up to a minute), and a
//!   repaint is asked for then so the retry happens even when nothing moves;
//! - while a tile is missing, loading or failed, the nearest loaded ancestor is scaled in its
//!   place, and past the source's maximum zoom the maximum zoom's tiles are scaled (over-zoom);
//!   where there is nothing at all the offline basemap, drawn beneath, shows through;
//! - the newest requests are served first and a bounded queue drops stale ones, so panning away
//!   does not wait for tiles no longer in view;
//! - dropping the [`TileLayer`] stops its workers (after the request each has in hand).

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use egui::{Color32, Mesh, Rect, Shape, pos2};
use walkers::sources::Attribution;
use walkers::{Projector, Tile, TileId, TilePiece, Tiles};

use crate::render::tile_grid::{tile_rect, tiles_in_view};
use crate::tiles::{TileKey, TileLoader};

/// Textures kept at most (a 256 px tile is 256 KiB of texture memory).
const MAX_TILES: usize = 400;
/// Requests waiting at most; older ones are dropped when more come.
const MAX_QUEUE: usize = 64;
const FIRST_RETRY: Duration = Duration::from_secs(2);
const MAX_RETRY: Duration = Duration::from_secs(60);
/// walkers draws tiles 256 px wide at their own zoom level.
const TILE_SIZE: u32 = 256;

/// Where one tile stands.
enum Slot {
    Queued,
    Ready(Tile),
    /// The source has no tile there.
    Missing,
    Failed {
        retry_at: Instant,
    },
}

struct Entry {
    slot: Slot,
    last_used: u64,
    /// Failed attempts in a row, for the back-off.
    failures: u32,
}

/// What a worker found.
enum Outcome {
    Tile(Tile),
    Missing,
    Failed(String),
    /// Dropped from the queue before it was loaded.
    Dropped,
}

#[derive(Default)]
struct Queue {
    /// Newest last; workers take from the back.
    wanted: VecDeque<TileKey>,
    done: Vec<(TileKey, Outcome)>,
    closed: bool,
}

struct Shared {
    queue: Mutex<Queue>,
    wake: Condvar,
    has_done: AtomicBool,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        // A worker that panicked cannot leave the queue in a broken state (every change is a
        // single push or pop), so a poisoned lock is still usable.
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// How loading goes, for the basemap panel.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TileStatus {
    /// Tiles loaded and kept.
    pub ready: usize,
    pub loading: usize,
    /// Tiles whose last attempt failed (they will be tried again).
    pub failed: usize,
    pub last_error: Option<String>,
}

/// Tiles of one source, as the map's tile layer.
pub struct TileLayer {
    loader: Arc<dyn TileLoader>,
    shared: Arc<Shared>,
    entries: HashMap<TileKey, Entry>,
    /// Counts `at` calls, for least-recently-used eviction.
    clock: u64,
    ctx: egui::Context,
    last_error: Option<String>,
    first_retry: Duration,
}

impl TileLayer {
    /// Start `loader.parallelism()` worker threads for `loader`.
    pub fn new(loader: Arc<dyn TileLoader>, ctx: egui::Context) -> Self {
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue::default()),
            wake: Condvar::new(),
            has_done: AtomicBool::new(false),
        });
        for i in 0..loader.parallelism() {
            let worker = Worker {
                loader: loader.clone(),
                shared: shared.clone(),
                ctx: ctx.clone(),
            };
            let spawned = std::thread::Builder::new()
                .name(format!("tiles-{i}"))
                .spawn(move || worker.run());
            if let Err(err) = spawned {
                log::error!("could not start a tile worker: {err}");
            }
        }
        Self {
            loader,
            shared,
            entries: HashMap::new(),
            clock: 0,
            ctx,
            last_error: None,
            first_retry: FIRST_RETRY,
        }
    }

    /// Retry failed tiles sooner (tests).
    pub fn with_first_retry(mut self, delay: Duration) -> Self {
        self.first_retry = delay;
        self
    }

    /// The source's credit line.
    pub fn attribution_text(&self) -> Option<String> {
        self.loader.attribution()
    }

    pub fn status(&self) -> TileStatus {
        let mut status = TileStatus {
            last_error: self.last_error.clone(),
            ..TileStatus::default()
        };
        for entry in self.entries.values() {
            match entry.slot {
                Slot::Queued => status.loading += 1,
                Slot::Failed { .. } => status.failed += 1,
                Slot::Ready(_) => status.ready += 1,
                Slot::Missing => {}
            }
        }
        if status.failed == 0 {
            status.last_error = None;
        }
        status
    }

    /// Whether the tile is loaded (tests and the status line).
    pub fn is_loaded(&self, key: TileKey) -> bool {
        matches!(
            self.entries.get(&key).map(|e| &e.slot),
            Some(Slot::Ready(_))
        )
    }

    /// Forget every failure so the tiles are tried again at once (e.g. back online).
    pub fn retry_failed_now(&mut self) {
        self.entries
            .retain(|_, e| !matches!(e.slot, Slot::Failed { .. }));
        self.ctx.request_repaint();
    }

    /// Paint the tiles covering `clip` (a part of the map) with `alpha` (0 to 1), asking for
    /// those not loaded yet (the centre's first) and showing their nearest loaded ancestor
    /// meanwhile. Drawn here rather than by walkers so that a comparison can clip each basemap
    /// to its side of the divider.
    pub fn paint(
        &mut self,
        painter: &egui::Painter,
        projector: &Projector,
        clip: Rect,
        alpha: f32,
    ) {
        let clip = painter.clip_rect().intersect(clip);
        if alpha <= 0.0 || clip.width() <= 0.0 || clip.height() <= 0.0 {
            return;
        }
        let painter = painter.with_clip_rect(clip);
        let z = projector.zoom().round().clamp(0.0, 22.0) as u8;
        let mut keys = tiles_in_view(projector, clip, z);
        // The newest requests are served first: ask for the tiles nearest the centre last.
        let centre = clip.center();
        keys.sort_by(|a, b| {
            let d = |k: &TileKey| tile_rect(projector, *k).center().distance_sq(centre);
            d(b).total_cmp(&d(a))
        });
        let tint = Color32::WHITE.gamma_multiply(alpha.min(1.0));
        for key in keys {
            let id = TileId {
                x: key.x,
                y: key.y,
                zoom: key.z,
            };
            let Some(piece) = self.at(id) else {
                continue;
            };
            let Tile::Raster(texture) = &piece.tile;
            let mut mesh = Mesh::with_texture(texture.id());
            mesh.add_rect_with_uv(tile_rect(projector, key), piece.uv, tint);
            painter.add(Shape::mesh(mesh));
        }
    }

    /// Take what the workers finished.
    fn collect(&mut self) {
        if !self.shared.has_done.swap(false, Ordering::AcqRel) {
            return;
        }
        let done = std::mem::take(&mut self.shared.lock().done);
        for (key, outcome) in done {
            let Some(entry) = self.entries.get_mut(&key) else {
                // Evicted while loading: a texture nobody asked for any more.
                continue;
            };
            match outcome {
                Outcome::Tile(tile) => {
                    entry.slot = Slot::Ready(tile);
                    entry.failures = 0;
                }
                Outcome::Missing => {
                    entry.slot = Slot::Missing;
                    entry.failures = 0;
                }
                Outcome::Dropped => {
                    self.entries.remove(&key);
                }
                Outcome::Failed(message) => {
                    entry.failures = entry.failures.saturating_add(1);
                    let delay = self
                        .first_retry
                        .saturating_mul(1 << (entry.failures - 1).min(6))
                        .min(MAX_RETRY);
                    entry.slot = Slot::Failed {
                        retry_at: Instant::now() + delay,
                    };
                    // Come back for the retry even if nothing else repaints.
                    self.ctx.request_repaint_after(delay);
                    self.last_error = Some(message);
                }
            }
        }
    }

    /// Ask the workers for a tile unless it is loaded, on its way, known missing, or failed
    /// too recently.
    fn request(&mut self, key: TileKey) {
        let now = Instant::now();
        let clock = self.clock;
        let entry = self.entries.entry(key).or_insert(Entry {
            slot: Slot::Failed { retry_at: now },
            last_used: clock,
            failures: 0,
        });
        entry.last_used = clock;
        let due = match entry.slot {
            Slot::Failed { retry_at } => retry_at <= now,
            Slot::Queued | Slot::Ready(_) | Slot::Missing => false,
        };
        if !due {
            return;
        }
        let mut queue = self.shared.lock();
        if queue.closed {
            return;
        }
        entry.slot = Slot::Queued;
        queue.wanted.retain(|k| *k != key);
        queue.wanted.push_back(key);
        while queue.wanted.len() > MAX_QUEUE {
            if let Some(old) = queue.wanted.pop_front() {
                queue.done.push((old, Outcome::Dropped));
                self.shared.has_done.store(true, Ordering::Release);
            }
        }
        drop(queue);
        self.shared.wake.notify_one();
    }

    /// The loaded tile nearest to `key`: itself or the closest ancestor, and which part of it.
    fn best_available(&self, key: TileKey, min_zoom: u8) -> Option<TilePiece> {
        let mut z = key.z;
        loop {
            let (ancestor, [u, v, size]) = key.ancestor(z);
            if let Some(Entry {
                slot: Slot::Ready(tile),
                ..
            }) = self.entries.get(&ancestor)
            {
                let uv = Rect::from_min_max(pos2(u, v), pos2(u + size, v + size));
                return Some(TilePiece::new(tile.clone(), uv));
            }
            if z <= min_zoom {
                return None;
            }
            z -= 1;
        }
    }

    /// Drop the least recently used tiles beyond [`MAX_TILES`].
    fn evict(&mut self) {
        if self.entries.len() <= MAX_TILES {
            return;
        }
        let mut ages: Vec<(u64, TileKey)> = self
            .entries
            .iter()
            .filter(|(_, e)| !matches!(e.slot, Slot::Queued))
            .map(|(k, e)| (e.last_used, *k))
            .collect();
        ages.sort_unstable();
        let excess = self.entries.len() - MAX_TILES;
        for (_, key) in ages.into_iter().take(excess) {
            self.entries.remove(&key);
        }
    }
}

impl Drop for TileLayer {
    fn drop(&mut self) {
        self.shared.lock().closed = true;
        self.shared.wake.notify_all();
    }
}

impl Tiles for TileLayer {
    fn at(&mut self, tile_id: TileId) -> Option<TilePiece> {
        self.clock += 1;
        self.collect();
        self.evict();
        let key = TileKey::new(tile_id.zoom, tile_id.x, tile_id.y);
        if !key.is_valid() {
            return None;
        }
        let range = self.loader.zoom_range();
        if key.z < *range.start() {
            // Below the source's zoom levels there is nothing to show but the offline basemap.
            return None;
        }
        let (wanted, _) = key.ancestor(*range.end());
        self.request(wanted);
        self.best_available(key, *range.start())
    }

    fn attribution(&self) -> Attribution {
        // raidmap paints the attribution itself (with the source's own text); walkers does not
        // draw this one.
        Attribution {
            text: "",
            url: "",
            logo_light: None,
            logo_dark: None,
        }
    }

    fn tile_size(&self) -> u32 {
        TILE_SIZE
    }

    fn stats(&self) -> walkers::Stats {
        walkers::Stats {
            in_progress: self.status().loading,
        }
    }
}

/// A thread that loads and decodes tiles until its layer is dropped.
struct Worker {
    loader: Arc<dyn TileLoader>,
    shared: Arc<Shared>,
    ctx: egui::Context,
}

impl Worker {
    fn run(self) {
        // walkers' Style is a unit struct only while its `vector` feature is off.
        #[allow(clippy::default_constructed_unit_structs)]
        let style = walkers::Style::default();
        while let Some(key) = self.next() {
            let outcome = match self.loader.load(key) {
                Ok(Some(data)) => match Tile::new(&data, &style, key.z, TILE_SIZE, &self.ctx) {
                    Ok(tile) => Outcome::Tile(tile),
                    Err(err) => Outcome::Failed(format!("tile {key} is not an image: {err}")),
                },
                Ok(None) => Outcome::Missing,
                Err(err) => Outcome::Failed(crate::tiles::describe(&err)),
            };
            let mut queue = self.shared.lock();
            if queue.closed {
                return;
            }
            queue.done.push((key, outcome));
            drop(queue);
            self.shared.has_done.store(true, Ordering::Release);
            self.ctx.request_repaint();
        }
    }

    /// The newest wanted tile, or `None` once the layer is gone.
    fn next(&self) -> Option<TileKey> {
        let mut queue = self.shared.lock();
        loop {
            if queue.closed {
                return None;
            }
            if let Some(key) = queue.wanted.pop_back() {
                return Some(key);
            }
            queue = self
                .shared
                .wake
                .wait(queue)
                .unwrap_or_else(|e| e.into_inner());
        }
    }
}
