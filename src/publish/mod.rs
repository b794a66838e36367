//! Publishing the findings: an animated map of the raids ([`animate`]), a PDF case report
//! ([`report`]) and a web map in one self-contained HTML file ([`webmap`]).
//!
//! The CLI (`raidmap animate`, `report`, `publish`) and the window (*Export animation…*,
//! *Export report…*, *Publish web map…*) both start from a [`Scene`]: the layers, how each is
//! shown, the files they came from and the time window. Map pictures are drawn by the same
//! renderer as the window and `raidmap render`, reached only through [`draw`], so what is
//! published is what the user saw. Every file is written through [`Output`]: atomically
//! ([`crate::io::write_atomic`]), and sealed in the age format when an encrypted project's data
//! is published to a `….age` file.

use std::path::Path;

use crate::evidence::Seal;
use crate::io::{AtomicWriteError, write_atomic};

pub mod animate;
pub mod draw;
pub mod inputs;
pub mod report;
pub mod webmap;

pub use inputs::{Loaded, Scene, Shown, SourceFile, load, sample};

/// The name that says what a file holds: `path` without a final `.age` (`report.pdf.age` holds
/// a PDF, sealed).
pub fn unsealed_name(path: &Path) -> std::path::PathBuf {
    match path.extension() {
        Some(ext) if ext.eq_ignore_ascii_case("age") => path.with_extension(""),
        _ => path.to_owned(),
    }
}

/// Where a published file goes: `path`, written atomically, and sealed in the age format with
/// `seal` when one is given (an encrypted project's `report.pdf.age`, which `age -d` opens).
#[derive(Debug, Clone, Copy)]
pub struct Output<'a> {
    pub path: &'a Path,
    pub seal: Option<&'a Seal>,
}

impl<'a> Output<'a> {
    /// A plaintext file at `path`.
    pub fn plain(path: &'a Path) -> Self {
        Self { path, seal: None }
    }

    /// Write `bytes` there (sealed when asked); on failure the file is as it was.
    pub fn write(&self, bytes: &[u8]) -> Result<(), AtomicWriteError> {
        let sealed;
        let bytes = match self.seal {
            None => bytes,
            Some(seal) => {
                sealed = seal.encrypt(bytes).map_err(|e| AtomicWriteError::Io {
                    path: self.path.to_owned(),
                    source: std::io::Error::other(e),
                })?;
                &sealed
            }
        };
        write_atomic(self.path, |w| std::io::Write::write_all(w, bytes))
    }
}
