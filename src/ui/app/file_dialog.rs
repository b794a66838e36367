//! Native file dialogs (rfd) run on a background thread so the window keeps drawing while one is
//! open; the answer arrives through a channel polled once per frame.
//!
//! On Linux rfd uses the XDG desktop portal, else zenity. Where neither exists the dialog
//! "returns" at once with nothing; a dialog that closes faster than a person could cancel it is
//! reported as [`Answer::Unavailable`], so the app can offer to type a path instead.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant};

use crate::model::LayerId;

/// A dialog that closed faster than this without an answer could not be shown at all.
const TOO_FAST_TO_CANCEL: Duration = Duration::from_millis(300);

/// What a dialog answered.
#[derive(Debug)]
pub(crate) enum Answer {
    Open(Vec<PathBuf>),
    /// Photo files or a folder of photos to open as points.
    Photos(Vec<PathBuf>),
    /// No dialog could be shown for photos.
    PhotosUnavailable,
    /// Files to attach to a feature.
    Attach(crate::model::FeatureRef, Vec<PathBuf>),
    /// Where to save a copy of the attachment with this SHA-256.
    SaveAttachment(String, PathBuf),
    Export(LayerId, PathBuf),
    /// Where to export the classified sites of the Coverage tab.
    ExportCoverage(PathBuf),
    /// No dialog could be shown for the coverage export.
    CoverageUnavailable,
    /// A project to open.
    OpenProject(PathBuf),
    /// Where to save the project.
    SaveProject(PathBuf),
    /// No dialog could be shown for a project; `save` says whether it was Save As.
    ProjectUnavailable {
        save: bool,
    },
    /// Where to write a map image.
    ImagePath(PathBuf),
    /// Where a publishing dialog (animation, report, web map) writes its file.
    PublishPath(crate::ui::command::Dialog, PathBuf),
    /// Another version of a layer, to compare or merge.
    OtherVersion(PathBuf),
    /// A picture to pin onto the map.
    PinPicture(PathBuf),
    /// No dialog could be shown; `export` says which layer was to be exported, if that was
    /// the question.
    Unavailable {
        export: Option<LayerId>,
    },
}

pub(crate) struct FileDialogs {
    tx: Sender<Answer>,
    rx: Receiver<Answer>,
}

impl Default for FileDialogs {
    fn default() -> Self {
        let (tx, rx) = channel();
        Self { tx, rx }
    }
}

impl FileDialogs {
    /// Ask for files to open (every format raidmap reads, from [`crate::io::OPEN_FILTERS`]).
    pub(crate) fn open(&mut self, ctx: &egui::Context) {
        self.spawn(ctx, None, || {
            crate::io::OPEN_FILTERS
                .iter()
                .fold(
                    rfd::FileDialog::new().set_title("Open layers"),
                    |d, (name, ext)| d.add_filter(*name, ext),
                )
                .add_filter("All files", &["*"])
                .pick_files()
                .map(Answer::Open)
        });
    }

    /// Ask for photos to open as points: a folder (`folder`), else photo files.
    pub(crate) fn photos(&mut self, ctx: &egui::Context, folder: bool) {
        self.spawn_with(ctx, Answer::PhotosUnavailable, move || {
            let dialog = rfd::FileDialog::new();
            if folder {
                dialog
                    .set_title("Open a folder of photos")
                    .pick_folder()
                    .map(|folder| Answer::Photos(vec![folder]))
            } else {
                dialog
                    .set_title("Open photos")
                    .add_filter("Photos", &crate::evidence::photos::EXTENSIONS[..])
                    .add_filter("All files", &["*"])
                    .pick_files()
                    .map(Answer::Photos)
            }
        });
    }

    /// Ask for files to attach to a feature.
    pub(crate) fn attach(&mut self, ctx: &egui::Context, target: crate::model::FeatureRef) {
        self.spawn(ctx, None, move || {
            rfd::FileDialog::new()
                .set_title("Attach files")
                .pick_files()
                .map(|paths| Answer::Attach(target, paths))
        });
    }

    /// Ask where to save a copy of an attachment.
    pub(crate) fn save_attachment(&mut self, ctx: &egui::Context, sha256: String, name: String) {
        self.spawn(ctx, None, move || {
            rfd::FileDialog::new()
                .set_title("Save a copy of the attachment")
                .set_file_name(name)
                .save_file()
                .map(|path| Answer::SaveAttachment(sha256, path))
        });
    }

    /// Ask where to export a layer, offering every format raidmap writes
    /// ([`crate::io::SAVE_FILTERS`]); the chosen file's extension picks the format.
    pub(crate) fn export(&mut self, ctx: &egui::Context, layer: LayerId, suggested_name: String) {
        self.spawn(ctx, Some(layer), move || {
            crate::io::SAVE_FILTERS
                .iter()
                .fold(
                    rfd::FileDialog::new().set_title("Export layer"),
                    |d, (name, ext)| d.add_filter(*name, ext),
                )
                .set_file_name(suggested_name)
                .save_file()
                .map(|path| Answer::Export(layer, path))
        });
    }

    /// Ask where to export the classified sites.
    pub(crate) fn export_coverage(&mut self, ctx: &egui::Context, suggested_name: String) {
        let tx = self.tx.clone();
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("file-dialog".into())
            .spawn(move || {
                let started = Instant::now();
                let answer = rfd::FileDialog::new()
                    .set_title("Export classified sites as GeoJSON")
                    .add_filter("GeoJSON", &["geojson"])
                    .set_file_name(suggested_name)
                    .save_file()
                    .map(Answer::ExportCoverage)
                    .or_else(|| {
                        (started.elapsed() < TOO_FAST_TO_CANCEL)
                            .then_some(Answer::CoverageUnavailable)
                    });
                if let Some(answer) = answer {
                    let _ = tx.send(answer);
                    ctx.request_repaint();
                }
            });
        if let Err(err) = spawned {
            log::error!("could not start the file dialog: {err}");
            let _ = self.tx.send(Answer::CoverageUnavailable);
        }
    }

    /// Ask for another version of a layer (to compare with or merge).
    pub(crate) fn other_version(&mut self, ctx: &egui::Context) {
        self.spawn(ctx, None, || {
            crate::io::OPEN_FILTERS
                .iter()
                .fold(
                    rfd::FileDialog::new().set_title("Other version of the layer"),
                    |d, (name, ext)| d.add_filter(*name, ext),
                )
                .add_filter("All files", &["*"])
                .pick_file()
                .map(Answer::OtherVersion)
        });
    }

    /// Ask for a picture (PNG or JPEG) to pin onto the map. Without a dialog nothing comes
    /// back: the pinning window has its typed path.
    pub(crate) fn pin_picture(&mut self, ctx: &egui::Context) {
        let tx = self.tx.clone();
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("file-dialog".into())
            .spawn(move || {
                let answer = rfd::FileDialog::new()
                    .set_title("Pin a picture onto the map")
                    .add_filter("PNG or JPEG image", &["png", "jpg", "jpeg"])
                    .pick_file();
                if let Some(path) = answer {
                    let _ = tx.send(Answer::PinPicture(path));
                    ctx.request_repaint();
                }
            });
        if let Err(err) = spawned {
            log::error!("could not start the file dialog: {err}");
        }
    }

    /// Ask for a project file to open.
    pub(crate) fn open_project(&mut self, ctx: &egui::Context) {
        self.spawn_with(ctx, Answer::ProjectUnavailable { save: false }, || {
            rfd::FileDialog::new()
                .set_title("Open project")
                .add_filter("raidmap project", &["raidmap"])
                .add_filter("All files", &["*"])
                .pick_file()
                .map(Answer::OpenProject)
        });
    }

    /// Ask where to save the project.
    pub(crate) fn save_project(&mut self, ctx: &egui::Context, suggested_name: String) {
        self.spawn_with(ctx, Answer::ProjectUnavailable { save: true }, move || {
            rfd::FileDialog::new()
                .set_title("Save project")
                .add_filter("raidmap project", &["raidmap"])
                .set_file_name(suggested_name)
                .save_file()
                .map(Answer::SaveProject)
        });
    }

    /// The answer of a finished dialog, if any. A cancelled dialog yields nothing.
    /// Ask where to save a map image. Without a dialog nothing comes back: the export window
    /// keeps its typed path.
    pub(crate) fn image_path(&mut self, ctx: &egui::Context, suggested_name: String) {
        let tx = self.tx.clone();
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("file-dialog".into())
            .spawn(move || {
                let answer = rfd::FileDialog::new()
                    .set_title("Export the map as a PNG image")
                    .add_filter("PNG image", &["png"])
                    .set_file_name(suggested_name)
                    .save_file();
                if let Some(path) = answer {
                    let _ = tx.send(Answer::ImagePath(path));
                    ctx.request_repaint();
                }
            });
        if let Err(err) = spawned {
            log::error!("could not start the file dialog: {err}");
        }
    }

    /// Ask where a publishing dialog writes its file. Without a dialog nothing comes back: the
    /// form keeps its typed path.
    pub(crate) fn publish_path(
        &mut self,
        ctx: &egui::Context,
        dialog: crate::ui::command::Dialog,
        (kind, extensions): (&str, &[&str]),
        suggested_name: String,
    ) {
        let tx = self.tx.clone();
        let ctx = ctx.clone();
        let chooser = rfd::FileDialog::new()
            .set_title("Save as")
            .add_filter(kind, extensions)
            .set_file_name(suggested_name);
        let spawned = std::thread::Builder::new()
            .name("file-dialog".into())
            .spawn(move || {
                if let Some(path) = chooser.save_file() {
                    let _ = tx.send(Answer::PublishPath(dialog, path));
                    ctx.request_repaint();
                }
            });
        if let Err(err) = spawned {
            log::error!("could not start the file dialog: {err}");
        }
    }

    pub(crate) fn poll(&mut self) -> Option<Answer> {
        self.rx.try_recv().ok()
    }

    fn spawn(
        &mut self,
        ctx: &egui::Context,
        export: Option<LayerId>,
        ask: impl FnOnce() -> Option<Answer> + Send + 'static,
    ) {
        self.spawn_with(ctx, Answer::Unavailable { export }, ask);
    }

    /// Run `ask` on a thread; `unavailable` is the answer when no dialog could be shown.
    fn spawn_with(
        &mut self,
        ctx: &egui::Context,
        unavailable: Answer,
        ask: impl FnOnce() -> Option<Answer> + Send + 'static,
    ) {
        let tx = self.tx.clone();
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("file-dialog".into())
            .spawn(move || {
                let started = Instant::now();
                let answer = ask()
                    .or_else(|| (started.elapsed() < TOO_FAST_TO_CANCEL).then_some(unavailable));
                if let Some(answer) = answer {
                    // The app may have closed meanwhile; then nobody needs the answer.
                    let _ = tx.send(answer);
                    ctx.request_repaint();
                }
            });
        if let Err(err) = spawned {
            log::error!("could not start the file dialog: {err}");
            // The answer went into the closure that could not run; ask for a typed path.
            let _ = self.tx.send(Answer::Unavailable { export: None });
        }
    }
}
