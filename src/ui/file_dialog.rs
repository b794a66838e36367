//! Native file dialogs (rfd) run on a background thread so the window keeps drawing while one is
//! open; the answer arrives through a channel polled once per frame.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};

use crate::model::LayerId;

/// What a dialog answered.
#[derive(Debug)]
pub enum Answer {
    Open(Vec<PathBuf>),
    Export(LayerId, PathBuf),
}

pub struct FileDialogs {
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
    /// Ask for GeoJSON files to open.
    pub fn open(&mut self) {
        self.spawn(|| {
            rfd::FileDialog::new()
                .set_title("Open GeoJSON layers")
                .add_filter("GeoJSON", &["geojson", "json"])
                .add_filter("All files", &["*"])
                .pick_files()
                .map(Answer::Open)
        });
    }

    /// Ask where to export a layer.
    pub fn export(&mut self, layer: LayerId, suggested_name: String) {
        self.spawn(move || {
            rfd::FileDialog::new()
                .set_title("Export layer as GeoJSON")
                .add_filter("GeoJSON", &["geojson"])
                .set_file_name(suggested_name)
                .save_file()
                .map(|path| Answer::Export(layer, path))
        });
    }

    /// The answer of a finished dialog, if any. A cancelled dialog yields nothing.
    pub fn poll(&mut self) -> Option<Answer> {
        self.rx.try_recv().ok()
    }

    fn spawn(&mut self, ask: impl FnOnce() -> Option<Answer> + Send + 'static) {
        let tx = self.tx.clone();
        let spawned = std::thread::Builder::new()
            .name("file-dialog".into())
            .spawn(move || {
                if let Some(answer) = ask() {
                    // The app may have closed meanwhile; then nobody needs the answer.
                    let _ = tx.send(answer);
                }
            });
        if let Err(err) = spawned {
            log::error!("could not start the file dialog: {err}");
        }
    }
}
