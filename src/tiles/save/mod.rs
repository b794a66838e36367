//! Saving an area for offline use: the tiles of a box and a range of zoom levels, from one
//! source, into an MBTiles file that then works as a tile-file basemap with no network.
//!
//! What it promises:
//! - Sources whose terms forbid bulk downloading are refused before anything is asked of them,
//!   saying why ([`policy::refusal`]).
//! - The tile count and a size estimate are known before the first download ([`plan::Plan`]).
//! - Tiles come one at a time, and from a server on another machine at most
//!   [`REMOTE_TILES_PER_SECOND`] a second, naming raidmap in `User-Agent`.
//! - Progress, pause and cancel go through [`Control`], shared with the window or the command
//!   line. Tiles are committed in batches; an interrupted save leaves a valid file, and saving
//!   the same source into it again downloads only the tiles it lacks.

pub mod plan;
pub mod policy;
pub mod writer;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

pub use plan::{Plan, PlanError};
pub use writer::{FileDescription, WriteError, Writer};

use super::{LoadError, Source, SourceError, TileKey, UrlTemplate, describe};

/// The politeness limit for tile servers on other machines.
pub const REMOTE_TILES_PER_SECOND: u64 = 4;

/// After this many failures in a row the server is taken to be down and the save stops.
const FAILURES_IN_A_ROW: u64 = 20;

/// Tiles per transaction (and at most this long between commits).
const BATCH: usize = 64;
const BATCH_TIME: Duration = Duration::from_secs(2);

/// One save: what, where from, where to.
#[derive(Debug, Clone)]
pub struct Request {
    pub source: Source,
    pub plan: Plan,
    pub out: PathBuf,
}

/// Progress of a save and the user's wishes (pause, cancel), shared between the thread saving
/// and whoever shows it. Relaxed atomics: the numbers are for display.
#[derive(Debug, Default)]
pub struct Control {
    paused: AtomicBool,
    cancelled: AtomicBool,
    /// Tiles of the plan in total.
    pub total: AtomicU64,
    /// Tiles already in the file when the save started.
    pub already: AtomicU64,
    /// Tiles downloaded and stored by this save.
    pub saved: AtomicU64,
    /// Bytes of the tiles this save stored.
    pub bytes: AtomicU64,
    /// Tiles the source does not have (outside its coverage).
    pub absent: AtomicU64,
    /// Tiles that could not be loaded this time.
    pub failed: AtomicU64,
}

impl Control {
    pub fn pause(&self, paused: bool) {
        self.paused.store(paused, Ordering::Relaxed);
    }

    pub fn is_paused(&self) -> bool {
        self.paused.load(Ordering::Relaxed)
    }

    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }

    /// Tiles dealt with so far (already there, saved, absent or failed), of the total.
    pub fn done(&self) -> (u64, u64) {
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        let done = get(&self.already) + get(&self.saved) + get(&self.absent) + get(&self.failed);
        (done, get(&self.total))
    }
}

/// How a save ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub total: u64,
    pub already: u64,
    pub saved: u64,
    pub bytes: u64,
    pub absent: u64,
    pub failed: u64,
    pub cancelled: bool,
}

impl Report {
    /// Whether every tile of the plan the source has is in the file.
    pub fn complete(&self) -> bool {
        !self.cancelled && self.failed == 0
    }
}

/// Why a save could not run (or stopped).
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("{source_label} cannot be saved for offline use: {reason}")]
    Refused {
        source_label: String,
        reason: String,
    },
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error(transparent)]
    Write(#[from] WriteError),
    #[error(
        "stopped after {FAILURES_IN_A_ROW} tiles in a row failed (the last: {last}); the tiles saved so far are kept, save again to go on"
    )]
    ServerDown { last: String },
}

/// The least time between two tile requests to `source`: none for files and servers on this
/// machine, else a polite pause.
pub fn request_interval(source: &Source) -> Duration {
    let local = match source {
        Source::MbTiles(_) | Source::PmTiles(_) | Source::Offline => true,
        Source::Xyz(template) => UrlTemplate::parse(template).is_ok_and(|t| {
            let host = policy::host_name(t.host());
            host == "localhost" || host == "[::1]" || host.starts_with("127.")
        }),
        _ => false,
    };
    if local {
        Duration::ZERO
    } else {
        Duration::from_millis(1000 / REMOTE_TILES_PER_SECOND)
    }
}

/// What the file names its source by: the menu label, and for a server the cache's name of
/// it (a hash, so a key in a typed URL is not written into the file).
pub fn source_id(source: &Source) -> String {
    match source.cache_id() {
        Some(id) => format!("{} [{id}]", source.label()),
        None => source.label(),
    }
}

/// Run a save to its end (or until cancelled), updating `control` as it goes.
pub fn save(request: &Request, control: &Control) -> Result<Report, SaveError> {
    if let Some(reason) = policy::refusal(&request.source) {
        return Err(SaveError::Refused {
            source_label: request.source.label(),
            reason,
        });
    }
    let mut writer = Writer::open(
        &request.out,
        &source_id(&request.source),
        &request.source.label(),
    )?;
    let (min, max) = (*request.plan.zooms.start(), *request.plan.zooms.end());
    let present = writer.present(min, max)?;
    let todo: Vec<TileKey> = request
        .plan
        .tiles()
        .filter(|k| !present.contains(k))
        .collect();
    let total = request.plan.count();
    control.total.store(total, Ordering::Relaxed);
    control
        .already
        .store(total - todo.len() as u64, Ordering::Relaxed);
    let description = FileDescription {
        bbox: request.plan.bbox,
        attribution: None,
    };
    if todo.is_empty() {
        return Ok(report(control));
    }
    // Only now, with something to fetch, is the source opened (for a server: the HTTP client).
    let Some(loader) = request.source.open(None)? else {
        return Err(SaveError::Refused {
            source_label: request.source.label(),
            reason: "it has no tiles".into(),
        });
    };
    let description = FileDescription {
        attribution: loader.attribution(),
        ..description
    };
    let zooms = loader.zoom_range();
    let interval = request_interval(&request.source);
    let mut batch: Vec<(TileKey, Vec<u8>)> = Vec::new();
    let mut last_commit = Instant::now();
    let mut last_request: Option<Instant> = None;
    let mut failures_in_a_row = 0;
    for key in todo {
        while control.is_paused() && !control.is_cancelled() {
            if !batch.is_empty() {
                writer.commit(&std::mem::take(&mut batch), &description)?;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        if control.is_cancelled() {
            break;
        }
        if !zooms.contains(&key.z) {
            control.absent.fetch_add(1, Ordering::Relaxed);
            continue;
        }
        wait_politely(&mut last_request, interval);
        match loader.load(key) {
            Ok(Some(data)) => {
                failures_in_a_row = 0;
                control
                    .bytes
                    .fetch_add(data.len() as u64, Ordering::Relaxed);
                control.saved.fetch_add(1, Ordering::Relaxed);
                batch.push((key, data));
            }
            Ok(None) => {
                failures_in_a_row = 0;
                control.absent.fetch_add(1, Ordering::Relaxed);
            }
            Err(err) => {
                log::warn!("tile {key}: {}", describe(&err));
                control.failed.fetch_add(1, Ordering::Relaxed);
                failures_in_a_row += 1;
                if failures_in_a_row >= FAILURES_IN_A_ROW {
                    writer.commit(&batch, &description)?;
                    return Err(SaveError::ServerDown {
                        last: describe(&err as &LoadError),
                    });
                }
            }
        }
        if batch.len() >= BATCH || last_commit.elapsed() >= BATCH_TIME {
            writer.commit(&std::mem::take(&mut batch), &description)?;
            last_commit = Instant::now();
        }
    }
    writer.commit(&batch, &description)?;
    Ok(report(control))
}

/// Sleep until `interval` has passed since the last request, then note this one's time.
fn wait_politely(last_request: &mut Option<Instant>, interval: Duration) {
    if let Some(last) = *last_request {
        let wait = interval.saturating_sub(last.elapsed());
        if !wait.is_zero() {
            std::thread::sleep(wait);
        }
    }
    *last_request = Some(Instant::now());
}

fn report(control: &Control) -> Report {
    let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
    Report {
        total: get(&control.total),
        already: get(&control.already),
        saved: get(&control.saved),
        bytes: get(&control.bytes),
        absent: get(&control.absent),
        failed: get(&control.failed),
        cancelled: control.is_cancelled(),
    }
}
