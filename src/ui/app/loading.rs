//! Files read in the background: one thread per file reads, checks and indexes it while the
//! window keeps drawing frames; the window shows a progress bar and a Cancel button per file and
//! takes the layers when they are ready.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::{Duration, Instant};

use egui::RichText;

use crate::io::{self, Progress, ReadError, Stage};
use crate::measure::group_thousands;
use crate::model::Layer;
use crate::render::layer_view::Prepared;

/// The layers of one file, each with its index and density grids.
pub(crate) type Ready = Vec<(Layer, Prepared)>;

/// A file whose reading ended.
pub struct Finished {
    pub path: PathBuf,
    /// Whether it was one of the files the program was started with.
    pub at_start: bool,
    pub result: Result<Ready, ReadError>,
    /// From the start of the reading to its end.
    pub elapsed: Duration,
}

struct Job {
    path: PathBuf,
    at_start: bool,
    name: String,
    progress: Arc<Progress>,
    result: Receiver<Result<Ready, ReadError>>,
    started: Instant,
}

/// The files being read.
#[derive(Default)]
pub struct Loading {
    jobs: Vec<Job>,
}

impl Loading {
    /// Start reading `path` on its own thread (`at_start`: one of the files the program was
    /// started with).
    pub fn start(&mut self, path: PathBuf, at_start: bool) {
        let file = path.clone();
        self.start_with(path, at_start, move |progress| {
            io::read_layers_with(&file, progress)
        });
    }

    /// Start `read` on its own thread, shown and reported as `path` (a database table is
    /// read this way, with the password typed in the window).
    pub fn start_with(
        &mut self,
        path: PathBuf,
        at_start: bool,
        read: impl FnOnce(&Progress) -> Result<Vec<Layer>, ReadError> + Send + 'static,
    ) {
        let progress = Arc::new(Progress::default());
        let (send, result) = channel();
        let name = display_name(&path);
        let job = Job {
            path: path.clone(),
            at_start,
            name,
            progress: Arc::clone(&progress),
            result,
            started: Instant::now(),
        };
        let spawned = std::thread::Builder::new()
            .name("read-file".into())
            .spawn(move || {
                let read = read(&progress).map(|layers| {
                    progress.start(Stage::Indexing, 0);
                    layers
                        .into_iter()
                        .map(|layer| {
                            let prepared = Prepared::all(&layer);
                            (layer, prepared)
                        })
                        .collect()
                });
                // The window may have gone; nothing to tell then.
                let _ = send.send(read);
            });
        if let Err(e) = spawned {
            log::error!("cannot start a thread to read {}: {e}", job.path.display());
        }
        self.jobs.push(job);
    }

    /// Whether any file is still being read.
    pub fn is_busy(&self) -> bool {
        !self.jobs.is_empty()
    }

    /// The files whose reading ended since the last call, in the order they were started.
    pub fn poll(&mut self) -> Vec<Finished> {
        let mut done = Vec::new();
        self.jobs.retain(|job| {
            let result = match job.result.try_recv() {
                Ok(result) => result,
                Err(TryRecvError::Empty) => return true,
                Err(TryRecvError::Disconnected) => Err(ReadError::Cancelled {
                    name: job.name.clone(),
                }),
            };
            done.push(Finished {
                path: job.path.clone(),
                at_start: job.at_start,
                result,
                elapsed: job.started.elapsed(),
            });
            false
        });
        done
    }

    /// Wait until every file is read (tests and `--bench-frames` use this).
    pub fn wait(&mut self) -> Vec<Finished> {
        self.jobs
            .drain(..)
            .map(|job| Finished {
                at_start: job.at_start,
                result: job.result.recv().unwrap_or(Err(ReadError::Cancelled {
                    name: job.name.clone(),
                })),
                path: job.path,
                elapsed: job.started.elapsed(),
            })
            .collect()
    }

    /// A progress bar and a Cancel button per file being read, over the map.
    pub fn ui(&mut self, ctx: &egui::Context) {
        if self.jobs.is_empty() {
            return;
        }
        egui::Window::new("Opening files")
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_TOP, egui::vec2(0.0, 60.0))
            .show(ctx, |ui| {
                for job in &self.jobs {
                    let (stage, done, total) = job.progress.get();
                    let cancelled = job.progress.cancelled();
                    ui.label(RichText::new(&job.name).strong());
                    let (fraction, text) = describe(stage, done, total, cancelled);
                    progress_row(ui, &job.progress, fraction, text);
                }
            });
        // Keep the bar moving while nothing else asks for a frame.
        ctx.request_repaint_after(Duration::from_millis(100));
    }
}

/// What a person calls what is read: a file's name, a database address's table.
pub(crate) fn display_name(path: &std::path::Path) -> String {
    let address = path
        .to_str()
        .filter(|p| io::postgis::is_address(p))
        .and_then(|p| io::postgis::Address::parse(p).ok());
    match address {
        Some(address) => address.short_name(),
        None => path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string()),
    }
}

/// How far a stage is (0 to 1 over the whole read) and what to write on the bar.
fn describe(stage: Stage, done: u64, total: u64, cancelled: bool) -> (f32, String) {
    if cancelled {
        return (0.0, "cancelling…".into());
    }
    let part = if total > 0 {
        (done as f32 / total as f32).min(1.0)
    } else {
        0.0
    };
    match stage {
        Stage::Reading => (
            0.3 * part,
            format!(
                "reading {} of {} MB",
                group_thousands(done as f64 / 1e6),
                group_thousands(total as f64 / 1e6)
            ),
        ),
        Stage::Checking => (
            0.3 + 0.6 * part,
            format!(
                "checking {} of {} features",
                group_thousands(done as f64),
                group_thousands(total as f64)
            ),
        ),
        Stage::Indexing => (0.95, "indexing…".into()),
    }
}

/// A background job's progress bar and its Cancel button (disabled once cancelled).
pub(super) fn progress_row(ui: &mut egui::Ui, progress: &Progress, fraction: f32, text: String) {
    ui.horizontal(|ui| {
        ui.add(
            egui::ProgressBar::new(fraction)
                .desired_width(300.0)
                .text(text),
        );
        if ui
            .add_enabled(!progress.cancelled(), egui::Button::new("Cancel"))
            .clicked()
        {
            progress.cancel();
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_read_in_the_background_and_a_cancel_stops_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("two.geojson");
        std::fs::write(
            &path,
            r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","geometry":{"type":"Point","coordinates":[104.9,11.5]},"properties":{}},
            {"type":"Feature","geometry":null,"properties":{}}]}"#,
        )
        .expect("write");
        let mut loading = Loading::default();
        loading.start(path.clone(), false);
        assert!(loading.is_busy());
        let finished = loading.wait();
        assert!(!loading.is_busy());
        let [
            Finished {
                result: Ok(ready), ..
            },
        ] = finished.as_slice()
        else {
            panic!("one file read")
        };
        assert_eq!(ready[0].0.features.len(), 2);
        assert_eq!(ready[0].1.index.len(), 1);
        assert_eq!(ready[0].1.density.total(), 1);

        // A cancelled read stops at its first check, before the layer is built.
        let progress = Progress::default();
        progress.cancel();
        assert!(matches!(
            io::read_layers_with(&path, &progress),
            Err(ReadError::Cancelled { .. })
        ));
    }

    #[test]
    fn the_bar_moves_forward_through_the_stages() {
        let (a, _) = describe(Stage::Reading, 50, 100, false);
        let (b, _) = describe(Stage::Checking, 0, 100, false);
        let (c, text) = describe(Stage::Checking, 500_000, 1_000_000, false);
        let (d, _) = describe(Stage::Indexing, 0, 0, false);
        assert!(a < b && b < c && c < d);
        assert_eq!(text, "checking 500,000 of 1,000,000 features");
    }
}
