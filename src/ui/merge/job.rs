//! Work that can take long (reading a file, matching 100,000 features) on its own thread, so
//! the window keeps drawing; the answer is polled once per frame.

use std::path::Path;
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use egui::RichText;

use super::marks;
use super::source::KeyChoice;
use crate::model::Layer;

/// A piece of work running on a thread.
pub(super) struct Job<T> {
    rx: Receiver<Result<T, String>>,
}

impl<T: Send + 'static> Job<T> {
    /// Start `work` on a thread; the window is asked to redraw when it is done.
    pub(super) fn spawn(
        ctx: &egui::Context,
        work: impl FnOnce() -> Result<T, String> + Send + 'static,
    ) -> Self {
        let (tx, rx) = channel();
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new().name("merge".into()).spawn({
            let tx = tx.clone();
            move || {
                // The window may have closed meanwhile; then nobody needs the answer.
                let _ = tx.send(work());
                ctx.request_repaint();
            }
        });
        if let Err(err) = spawned {
            let _ = tx.send(Err(format!("could not start a thread: {err}")));
        }
        Self { rx }
    }

    /// The answer, once the work is done.
    pub(super) fn poll(&mut self) -> Option<Result<T, String>> {
        match self.rx.try_recv() {
            Ok(answer) => Some(answer),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Err("the work stopped unexpectedly".into())),
        }
    }
}

/// Where a team window's work stands.
pub(super) enum Work<T> {
    /// Waiting for the user to say what to work on.
    Asking,
    Working(Job<T>),
    Done(Box<T>),
    Failed(String),
}

impl<T: Send + 'static> Work<T> {
    /// Take the answer of the work when it came.
    pub(super) fn poll(&mut self) {
        if let Work::Working(job) = self
            && let Some(answer) = job.poll()
        {
            *self = match answer {
                Ok(done) => Work::Done(Box::new(done)),
                Err(err) => Work::Failed(err),
            };
        }
    }

    pub(super) fn is_busy(&self) -> bool {
        matches!(self, Work::Working(_))
    }

    /// The finished work, if any.
    pub(super) fn done(&self) -> Option<&T> {
        match self {
            Work::Done(done) => Some(done),
            _ => None,
        }
    }

    /// The key to match by and the button that starts the work (off while it runs), then
    /// under a line where it stands: `asking` before it starts, a spinner with `working`, or
    /// the error. True when the button was pressed. Once done, the result is the caller's to
    /// show.
    pub(super) fn controls_ui(
        &self,
        ui: &mut egui::Ui,
        key: &mut KeyChoice,
        (button, hint): (&str, &str),
        (asking, working): (&str, &str),
    ) -> bool {
        let mut pressed = false;
        ui.horizontal(|ui| {
            key.ui(ui);
            pressed = ui
                .add_enabled(!self.is_busy(), egui::Button::new(button))
                .on_hover_text(hint)
                .clicked();
        });
        ui.separator();
        match self {
            Work::Asking => {
                ui.label(asking);
            }
            Work::Working(_) => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(working);
                });
            }
            Work::Failed(err) => {
                ui.label(RichText::new(err).color(marks::REMOVED));
            }
            Work::Done(_) => {}
        }
        pressed
    }
}

/// The version of a layer in `path`: the file's only layer, else its layer called `name`
/// (a KML file's folder), else an error naming the layers it holds.
pub(super) fn read_version(path: &Path, name: &str) -> Result<Layer, String> {
    let mut layers = crate::io::read_layers(path).map_err(|err| {
        let mut text = format!("{}: {err}", path.display());
        for problem in err.problems().iter().take(3) {
            text.push_str(&format!("\n{problem}"));
        }
        text
    })?;
    if layers.len() == 1 {
        return Ok(layers.remove(0));
    }
    match layers.iter().position(|l| l.name == name) {
        Some(i) => Ok(layers.swap_remove(i)),
        None => Err(format!(
            "{} holds {} layers ({}), none called {name:?}",
            path.display(),
            layers.len(),
            layers
                .iter()
                .map(|l| l.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}
