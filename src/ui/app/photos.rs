//! *Open photos…*: photo files or a folder of them (chosen in the native dialog, else typed in
//! the path box) become a point layer, as `raidmap photos` makes it ([`crate::evidence::photos`]):
//! one point per photo with a GPS position, the photo attached to its point and recorded in the
//! custody log. The photos are read, hashed and placed on a thread, with a progress bar and
//! Cancel; photos without a position are listed in the problems, never dropped silently.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use egui::RichText;

use crate::evidence::photos::{self, PhotoLayer};
use crate::io::Progress;
use crate::render::layer_view::Prepared;
use crate::ui::app::RaidmapApp;
use crate::ui::command::Command;
use crate::ui::panels::layers::ProblemReport;

/// The name of the layer made of photos (as `raidmap photos` names it).
const LAYER_NAME: &str = "photos";

/// The photos being read and the typed-path box shown when no dialog could be.
#[derive(Default)]
pub struct PhotoImport {
    job: Option<Job>,
    /// The path typed when no file dialog is available.
    prompt: Option<String>,
}

/// Photos read on a thread: its progress (one unit a photo) and its answer (`None`: cancelled).
struct Job {
    progress: Arc<Progress>,
    result: Receiver<Option<(PhotoLayer, Prepared)>>,
}

impl PhotoImport {
    /// Whether photos are being read.
    pub fn is_busy(&self) -> bool {
        self.job.is_some()
    }
}

impl RaidmapApp {
    /// Read the photos of `inputs` (files, or folders whose photo files are read) on a thread.
    pub fn open_photos(&mut self, inputs: Vec<PathBuf>) {
        if self.photos.job.is_some() {
            self.status = "Photos are being read already: wait for them or cancel.".into();
            return;
        }
        let progress = Arc::new(Progress::default());
        let (send, result) = channel();
        let reading = Arc::clone(&progress);
        let user = self.user();
        let spawned = std::thread::Builder::new()
            .name("read-photos".into())
            .spawn(move || {
                let read = photos::read_with(&inputs, &user, &reading).map(|read| {
                    let read = read.into_layer(LAYER_NAME);
                    let prepared = Prepared::all(&read.layer);
                    (read, prepared)
                });
                // The window may have gone; nobody needs the answer then.
                let _ = send.send(read);
            });
        match spawned {
            Ok(_) => {
                self.photos.job = Some(Job { progress, result });
                self.status = "Reading photos…".into();
            }
            Err(e) => self.status = format!("Could not start reading the photos: {e}"),
        }
    }

    /// Take the photos once read (every frame); `wait` blocks until they are (tests).
    pub(super) fn poll_photos(&mut self, wait: bool) {
        let Some(job) = &self.photos.job else {
            return;
        };
        let answer = if wait {
            job.result.recv().map_err(|_| TryRecvError::Disconnected)
        } else {
            job.result.try_recv()
        };
        let read = match answer {
            Err(TryRecvError::Empty) => return,
            Err(TryRecvError::Disconnected) | Ok(None) => {
                self.photos.job = None;
                self.status = "Reading the photos was cancelled; nothing was added.".into();
                return;
            }
            Ok(Some(read)) => read,
        };
        self.photos.job = None;
        self.photos_read(read);
    }

    /// Add the point layer (if any photo has a position), keep the photos and log them, and
    /// list the photos without a position.
    fn photos_read(&mut self, (read, prepared): (PhotoLayer, Prepared)) {
        let PhotoLayer {
            layer,
            files,
            unplaced,
        } = read;
        let placed = layer.features.len();
        if placed > 0 {
            let user = self.user();
            photos::keep(files, &mut self.project.evidence, &user);
            self.add_prepared(layer, prepared);
        }
        let count = |n: usize| match n {
            1 => "1 photo".to_owned(),
            n => format!("{n} photos"),
        };
        if !unplaced.is_empty() {
            self.problems.push(ProblemReport {
                title: format!(
                    "{} without a position (not on the map)",
                    count(unplaced.len())
                ),
                lines: unplaced
                    .iter()
                    .map(|(path, why)| format!("{}: {why}", path.display()))
                    .collect(),
            });
        }
        self.status = match (placed, unplaced.len()) {
            (0, 0) => "No photos found (JPEG, PNG, TIFF, HEIC, WebP).".into(),
            (0, n) => format!("None of the {} has a position; they are listed.", count(n)),
            (p, 0) => format!("Placed {} as points in the layer {LAYER_NAME}.", count(p)),
            (p, n) => format!(
                "Placed {} as points in the layer {LAYER_NAME}; {} without a position are \
                 listed.",
                count(p),
                count(n)
            ),
        };
    }

    /// No dialog could be shown: ask for a typed folder or photo file.
    pub fn ask_photos_path(&mut self) {
        let dir = std::env::current_dir().unwrap_or_default();
        self.photos.prompt = Some(format!("{}{}", dir.display(), std::path::MAIN_SEPARATOR));
    }

    /// The progress of the photos being read (with Cancel), and the typed-path box (every
    /// frame).
    pub(super) fn photos_ui(&mut self, ctx: &egui::Context) {
        if let Some(job) = &self.photos.job {
            let (_, done, total) = job.progress.get();
            let cancelled = job.progress.cancelled();
            egui::Window::new("Reading photos")
                .collapsible(false)
                .resizable(false)
                .anchor(egui::Align2::CENTER_TOP, egui::vec2(0.0, 60.0))
                .show(ctx, |ui| {
                    let (fraction, text) = if cancelled {
                        (0.0, "cancelling…".to_owned())
                    } else if total == 0 {
                        (0.0, "looking for photos…".to_owned())
                    } else {
                        (
                            done as f32 / total as f32,
                            format!("photo {} of {total}", (done + 1).min(total)),
                        )
                    };
                    super::loading::progress_row(ui, &job.progress, fraction, text);
                });
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
        let Some(path) = &mut self.photos.prompt else {
            return;
        };
        let mut close = crate::ui::popup::esc(ctx);
        let mut chosen = None;
        egui::Window::new("Open photos")
            .collapsible(false)
            .resizable(false)
            .show(ctx, |ui| {
                ui.label(
                    "No file dialog is available. Type a folder of photos or a photo file \
                     (JPEG, PNG, TIFF, HEIC, WebP):",
                );
                let enter = crate::ui::path_field::path_field(
                    ui,
                    "photos-path",
                    path,
                    ("Photos folder or file", "a folder of photos, or a photo"),
                    420.0,
                )
                .submitted;
                ui.horizontal(|ui| {
                    if ui.button("Open").clicked() || enter {
                        chosen = Some(PathBuf::from(path.trim()));
                        close = true;
                    }
                    if ui.button("Cancel").clicked() {
                        close = true;
                    }
                });
                ui.label(RichText::new("Each photo with a GPS position becomes a point.").weak());
            });
        if close {
            self.photos.prompt = None;
        }
        if let Some(path) = chosen.filter(|p| !p.as_os_str().is_empty()) {
            self.push(Command::OpenPhotos(vec![path]));
        }
    }
}
