//! A publishing task run on a background thread, so the window keeps drawing: its progress
//! (frames written, for an animation), a Cancel button, and how it ended.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use geo::Rect;

use crate::evidence::Seal;
use crate::publish::animate::{self, AnimateError, Format};
use crate::publish::{Output, Scene, report, webmap};

/// Which part of the map a picture shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// What the map shows now.
    View,
    /// Every visible layer.
    Layers,
}

/// What to write.
#[derive(Debug)]
pub(super) enum Task {
    Animation {
        options: animate::Options,
        format: Format,
        area: Area,
        out: PathBuf,
    },
    Report {
        options: report::Options,
        area: Area,
        out: PathBuf,
    },
    WebMap {
        options: webmap::Options,
        out: PathBuf,
    },
}

impl Task {
    /// Whether the task draws map pictures (then the basemap tiles chosen in the window are
    /// drawn too; the web map always carries the offline basemap).
    pub(super) fn needs_tiles(&self) -> bool {
        !matches!(self, Task::WebMap { .. })
    }

    /// Show `view` when the form asked for the current view.
    pub(super) fn frame(&mut self, view: Option<Rect<f64>>) {
        match self {
            Task::Animation {
                options,
                area: Area::View,
                ..
            } => options.bbox = view,
            Task::Report {
                options,
                area: Area::View,
                ..
            } => options.area = view,
            _ => {}
        }
    }

    pub(super) fn out(&self) -> &PathBuf {
        match self {
            Task::Animation { out, .. } | Task::Report { out, .. } | Task::WebMap { out, .. } => {
                out
            }
        }
    }

    /// Write to `path` instead.
    pub(super) fn set_out(&mut self, path: PathBuf) {
        match self {
            Task::Animation { out, .. } | Task::Report { out, .. } | Task::WebMap { out, .. } => {
                *out = path;
            }
        }
    }

    /// Whether the file can be written sealed (age), or why not: ffmpeg writes an MP4 to a
    /// temporary file of its own before raidmap has its bytes.
    pub(super) fn sealable(&self) -> Result<(), String> {
        match self {
            Task::Animation {
                format: Format::Mp4,
                ..
            } => Err(
                "An MP4 cannot be written encrypted: ffmpeg writes the video to a temporary \
                      file on disk before raidmap could encrypt it. A GIF or WebP animation \
                      can be written encrypted."
                    .into(),
            ),
            _ => Ok(()),
        }
    }

    /// Do the work (on the job's thread), sealing the file with `seal` when given.
    fn run(self, scene: Scene, progress: &animate::Job, seal: Option<&Seal>) -> Outcome {
        let out = self.out().clone();
        let output = Output { path: &out, seal };
        let failed = |what: &str, err: &dyn std::error::Error| Outcome::Failed {
            title: format!("Could not write the {what} to {}", out.display()),
            lines: crate::ui::error_chain::error_chain(err),
        };
        match self {
            Task::Animation {
                options, format, ..
            } => {
                let frames = match animate::plan(&scene, &options) {
                    Ok(frames) => frames,
                    Err(err) => return failed("animation", &err),
                };
                match animate::animate(&scene, &frames, &options, format, output, progress) {
                    Ok(()) => Outcome::Done(format!(
                        "Exported an animation of {} frames ({}) to {}.",
                        frames.len(),
                        format.name(),
                        out.display()
                    )),
                    Err(AnimateError::Cancelled) => Outcome::Cancelled(format!(
                        "The animation was cancelled; nothing was written to {}.",
                        out.display()
                    )),
                    Err(err) => failed("animation", &err),
                }
            }
            Task::Report { options, .. } => match report::write_report(&scene, &options, output) {
                Ok(content) => Outcome::Done(format!(
                    "Exported the case report ({} sites, {} raids) to {}.",
                    content.sites.len(),
                    content.raids.len(),
                    out.display()
                )),
                Err(err) => failed("report", &err),
            },
            Task::WebMap { options, .. } => match webmap::write_webmap(&scene, &options, output) {
                Ok(bytes) => Outcome::Done(format!(
                    "Published the web map ({} kB, works offline) to {}.",
                    bytes.div_ceil(1000),
                    out.display()
                )),
                Err(err) => failed("web map", &err),
            },
        }
    }
}

/// How a task ended.
#[derive(Debug)]
pub(super) enum Outcome {
    Done(String),
    Cancelled(String),
    Failed { title: String, lines: Vec<String> },
}

/// A task running on its own thread.
pub(super) struct Job {
    /// "Writing …", shown while it runs.
    what: String,
    /// Frames written and the cancel flag (animations only).
    progress: Option<Arc<animate::Job>>,
    answer: Receiver<Outcome>,
}

impl Job {
    /// Start `task` on a thread: fingerprint `files` into the scene, then do the work (the file
    /// sealed with `seal` when given).
    pub(super) fn start(
        ctx: &egui::Context,
        task: Task,
        mut scene: Scene,
        files: Vec<PathBuf>,
        seal: Option<Seal>,
    ) -> Job {
        let what = match &task {
            Task::Animation { out, .. } => format!("Writing the animation to {}", out.display()),
            Task::Report { out, .. } => format!("Writing the report to {}", out.display()),
            Task::WebMap { out, .. } => format!("Writing the web map to {}", out.display()),
        };
        let progress = Arc::new(animate::Job::default());
        let (tx, answer) = channel();
        let ctx = ctx.clone();
        let shared = Arc::clone(&progress);
        let cancellable = matches!(task, Task::Animation { .. });
        let spawned = std::thread::Builder::new()
            .name("publish".into())
            .spawn(move || {
                scene.add_files(&files);
                let outcome = task.run(scene, &shared, seal.as_ref());
                // The window may have closed meanwhile; then nobody needs the answer.
                let _ = tx.send(outcome);
                ctx.request_repaint();
            });
        if let Err(err) = spawned {
            let (tx, rx) = channel();
            let _ = tx.send(Outcome::Failed {
                title: "Could not start publishing".into(),
                lines: vec![err.to_string()],
            });
            return Job {
                what,
                progress: None,
                answer: rx,
            };
        }
        Job {
            what,
            progress: cancellable.then_some(progress),
            answer,
        }
    }

    /// How it ended, once it has.
    pub(super) fn poll(&mut self) -> Option<Outcome> {
        match self.answer.try_recv() {
            Ok(outcome) => Some(outcome),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Outcome::Failed {
                title: "Publishing stopped unexpectedly".into(),
                lines: vec![format!(
                    "{}: the worker thread ended without an answer",
                    self.what
                )],
            }),
        }
    }

    /// A small window with the progress and, for an animation, a Cancel button.
    pub(super) fn ui(&self, ctx: &egui::Context) {
        ctx.request_repaint_after(std::time::Duration::from_millis(100));
        egui::Window::new("Publishing")
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_BOTTOM, [0.0, -60.0])
            .show(ctx, |ui| {
                ui.label(format!("{}…", self.what));
                match &self.progress {
                    Some(progress) => {
                        let (written, total) = progress.progress();
                        let fraction = if total == 0 {
                            0.0
                        } else {
                            written as f32 / total as f32
                        };
                        ui.add(
                            egui::ProgressBar::new(fraction)
                                .text(format!("frame {written} of {total}"))
                                .desired_width(320.0),
                        );
                        if progress.cancelled() {
                            ui.label("Stopping…");
                        } else if ui.button("Cancel").clicked() {
                            progress.cancel();
                        }
                    }
                    // No spinner: it would repaint the window continuously for a second or two.
                    None => {
                        ui.label("This takes a few seconds.");
                    }
                }
            });
    }
}
