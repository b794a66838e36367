//! Animated maps: one frame per step of days, each drawn by the map renderer with the
//! features of its window (the date or window written under the title), on every core, then
//! written in order as GIF, animated WebP or MP4.

mod encode;
mod plan;

pub use encode::{EncodeError, Format, h264_encoder};
pub use plan::{FramePlan, MAX_FRAMES, Mode, PlanError, Step, Unit, frames};

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, PoisonError, mpsc};

use geo::Rect;

use super::Output;
use super::Scene;
use super::draw::{Drawer, ImageError, Picture};
use crate::io::AtomicWriteError;
use crate::timeline::Day;

/// The default frame size, in pixels.
pub const DEFAULT_SIZE_PX: [u32; 2] = [1280, 800];
/// The default frame rate, in frames a second.
pub const DEFAULT_FPS: u32 = 2;

/// What to animate.
#[derive(Debug, Clone)]
pub struct Options {
    /// First and last frame's day; `None` takes the first or last day with an event.
    pub from: Option<Day>,
    pub to: Option<Day>,
    pub step: Step,
    pub mode: Mode,
    pub fps: u32,
    pub width_px: u32,
    pub height_px: u32,
    /// The area shown edge to edge; `None` fits the visible layers.
    pub bbox: Option<Rect<f64>>,
    /// Written above the date on every frame; `None`: the layers' names.
    pub title: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            from: None,
            to: None,
            step: Step::DAY,
            mode: Mode::Accumulate,
            fps: DEFAULT_FPS,
            width_px: DEFAULT_SIZE_PX[0],
            height_px: DEFAULT_SIZE_PX[1],
            bbox: None,
            title: None,
        }
    }
}

/// Progress of an animation being made, and a request to stop, shared with whoever shows it.
#[derive(Debug, Default)]
pub struct Job {
    written: AtomicUsize,
    total: AtomicUsize,
    cancel: AtomicBool,
}

impl Job {
    /// Frames written so far, of how many.
    pub fn progress(&self) -> (usize, usize) {
        (
            self.written.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        )
    }

    /// Ask the animation to stop; [`animate`] then returns [`AnimateError::Cancelled`] and
    /// writes nothing.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

/// Why no animation was written. Nothing is written in any of these cases (an existing file
/// is left as it was).
#[derive(Debug, thiserror::Error)]
pub enum AnimateError {
    #[error("no visible layer has dates to animate")]
    NoDates,
    #[error(transparent)]
    Plan(#[from] PlanError),
    #[error(transparent)]
    Encode(#[from] EncodeError),
    #[error("could not draw a frame")]
    Draw(#[from] ImageError),
    #[error(transparent)]
    Write(#[from] AtomicWriteError),
    #[error("cancelled")]
    Cancelled,
}

/// The frames `options` asks for over the scene's dated layers.
pub fn plan(scene: &Scene, options: &Options) -> Result<Vec<FramePlan>, AnimateError> {
    let times = scene.times();
    let extent = Scene::date_extent(&times);
    let (from, to) = match (options.from, options.to, extent) {
        (Some(from), Some(to), _) => (from, to),
        (from, to, Some((first, last))) => (from.unwrap_or(first), to.unwrap_or(last)),
        (_, _, None) => return Err(AnimateError::NoDates),
    };
    Ok(frames(from, to, options.step, options.mode)?)
}

/// Draw `frames` of the scene and write them to `out` in `format`, atomically (sealed when
/// `out` says so). Frames are drawn on all cores; `job` counts the frames written and can stop the
/// work (then nothing is written).
pub fn animate(
    scene: &Scene,
    frames: &[FramePlan],
    options: &Options,
    format: Format,
    out: Output<'_>,
    job: &Job,
) -> Result<(), AnimateError> {
    job.total.store(frames.len(), Ordering::Relaxed);
    job.written.store(0, Ordering::Relaxed);
    let mut sink = encode::Sink::new(format, options.width_px, options.height_px, options.fps)?;
    match draw_all(scene, frames, options, format, job, &mut sink) {
        Ok(()) => {
            let bytes = sink.finish()?;
            out.write(&bytes)?;
            Ok(())
        }
        Err(err) => {
            sink.abandon();
            Err(err)
        }
    }
}

/// A frame's picture: the options' size and area, the title over the frame's caption.
fn frame_picture(options: &Options, title: &Option<String>, frame: &FramePlan) -> Picture {
    Picture {
        width_px: options.width_px,
        height_px: options.height_px,
        bbox: options.bbox,
        title: Some(match title {
            Some(t) if !t.trim().is_empty() => format!("{t}\n{}", frame.caption),
            _ => frame.caption.clone(),
        }),
        pixels_per_point: 1.0,
    }
}

/// Frames drawn ahead of the one being written, per thread (bounds the memory held).
const AHEAD_PER_THREAD: usize = 2;

fn draw_all(
    scene: &Scene,
    frames: &[FramePlan],
    options: &Options,
    format: Format,
    job: &Job,
    sink: &mut encode::Sink,
) -> Result<(), AnimateError> {
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, frames.len().max(1));
    let ahead = threads * AHEAD_PER_THREAD;
    let times = scene.times();
    let title = options.title.clone().or_else(|| scene.default_title());
    let delay_cs = u16::try_from((100 / options.fps.max(1)).max(2)).unwrap_or(u16::MAX);
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let gate = (Mutex::new(0usize), Condvar::new());
    let (tx, rx) = mpsc::channel::<(usize, Result<encode::Prepared, AnimateError>)>();
    std::thread::scope(|s| {
        // A document is not shared between threads: each draws its own copy.
        for scene in (0..threads).map(|_| scene.clone()) {
            let tx = tx.clone();
            let (next, stop, gate, times, title) = (&next, &stop, &gate, &times, &title);
            s.spawn(move || {
                let mut drawer = Drawer::new(&scene);
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= frames.len() {
                        break;
                    }
                    {
                        let mut written = gate.0.lock().unwrap_or_else(PoisonError::into_inner);
                        while i >= *written + ahead
                            && !stop.load(Ordering::Relaxed)
                            && !job.cancelled()
                        {
                            written = gate
                                .1
                                .wait_timeout(written, std::time::Duration::from_millis(100))
                                .unwrap_or_else(PoisonError::into_inner)
                                .0;
                        }
                    }
                    if stop.load(Ordering::Relaxed) || job.cancelled() {
                        break;
                    }
                    let frame = &frames[i];
                    let picture = frame_picture(options, title, frame);
                    let filters = Scene::filters(times, &frame.window);
                    let result = drawer
                        .draw(&picture, &filters)
                        .map_err(AnimateError::from)
                        .and_then(|image| Ok(encode::prepare(format, image, delay_cs)?));
                    if tx.send((i, result)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut pending = BTreeMap::new();
        let mut written = 0;
        let mut outcome = Ok(());
        for (i, result) in rx {
            if outcome.is_err() {
                continue;
            }
            pending.insert(i, result);
            while let Some(result) = pending.remove(&written) {
                let step = if job.cancelled() {
                    Err(AnimateError::Cancelled)
                } else {
                    result.and_then(|frame| Ok(sink.write(frame)?))
                };
                if let Err(err) = step {
                    stop.store(true, Ordering::Relaxed);
                    outcome = Err(err);
                    break;
                }
                written += 1;
                job.written.store(written, Ordering::Relaxed);
                *gate.0.lock().unwrap_or_else(PoisonError::into_inner) = written;
                gate.1.notify_all();
            }
        }
        if outcome.is_ok() && (job.cancelled() || written < frames.len()) {
            outcome = Err(AnimateError::Cancelled);
        }
        outcome
    })
}
