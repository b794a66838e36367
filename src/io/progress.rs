//! How far a file has been read, and a request to stop, shared between the thread reading it
//! and the window showing a progress bar with a Cancel button.

use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering};

/// What a reader is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Reading the file's bytes (`done` and `total` count bytes).
    Reading,
    /// Checking and converting features (`done` and `total` count features).
    Checking,
    /// Building the spatial index and the density grids (no count).
    Indexing,
}

/// Progress of one read, updated by the reader and read by anyone (relaxed atomics: the
/// numbers are for display only).
#[derive(Debug, Default)]
pub struct Progress {
    stage: AtomicU8,
    done: AtomicU64,
    total: AtomicU64,
    cancel: AtomicBool,
}

impl Progress {
    /// Start `stage`, with `total` units of work (0 when unknown).
    pub fn start(&self, stage: Stage, total: u64) {
        self.done.store(0, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
        self.stage.store(stage as u8, Ordering::Relaxed);
    }

    /// `done` units of the current stage are finished.
    pub fn advance(&self, done: u64) {
        self.done.store(done, Ordering::Relaxed);
    }

    /// The current stage and how many of its units are done, of how many.
    pub fn get(&self) -> (Stage, u64, u64) {
        let stage = match self.stage.load(Ordering::Relaxed) {
            0 => Stage::Reading,
            1 => Stage::Checking,
            _ => Stage::Indexing,
        };
        (
            stage,
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        )
    }

    /// Ask the reader to stop; it returns [`ReadError::Cancelled`](super::ReadError) soon.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_and_counts_read_back() {
        let p = Progress::default();
        assert_eq!(p.get(), (Stage::Reading, 0, 0));
        p.start(Stage::Checking, 10);
        p.advance(4);
        assert_eq!(p.get(), (Stage::Checking, 4, 10));
        assert!(!p.cancelled());
        p.cancel();
        assert!(p.cancelled());
    }
}
