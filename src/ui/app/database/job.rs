//! One piece of database work on its own thread, so the window keeps drawing while the server
//! answers (or does not): the result comes back through a channel and asks for a frame.

use std::sync::mpsc::{Receiver, TryRecvError, channel};

use crate::io::postgis::DbError;

/// Work running on a thread; its result once, by [`Job::poll`].
pub(crate) struct Job<T> {
    result: Receiver<Result<T, DbError>>,
}

impl<T: Send + 'static> Job<T> {
    /// Run `work` on a thread named `name`; the window is repainted when it ends.
    pub(crate) fn spawn(
        ctx: &egui::Context,
        name: &str,
        work: impl FnOnce() -> Result<T, DbError> + Send + 'static,
    ) -> Self {
        let (send, result) = channel();
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new().name(name.to_owned()).spawn({
            let send = send.clone();
            move || {
                // The window may have gone; nothing to tell then.
                let _ = send.send(work());
                ctx.request_repaint();
            }
        });
        if let Err(e) = spawned {
            let _ = send.send(Err(DbError::Table(format!("cannot start a thread: {e}"))));
        }
        Self { result }
    }

    /// The result, once the work ended (a thread that died says so).
    pub(crate) fn poll(&self) -> Option<Result<T, DbError>> {
        match self.result.try_recv() {
            Ok(result) => Some(result),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Err(DbError::Table(
                "the database work stopped unexpectedly".to_owned(),
            ))),
        }
    }
}
