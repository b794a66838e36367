//! GeoJSON (RFC 7946) in and out: a checking reader and a faithful writer.
//!
//! Reading ([`read_path`], [`read_bytes`], [`read_str`]) never panics and never stops at the
//! first problem: every broken MUST of RFC 7946 is an error, the SHOULDs worth knowing are
//! warnings, and each [`Problem`] has its JSON path and, wherever the text gives it, its 1-based
//! line and column (columns count characters). A file with any error is not loaded; a file with
//! only warnings is, and the warnings stay in [`Layer::warnings`](crate::model::Layer).
//!
//! Decisions worth knowing:
//! - The input must be UTF-8; invalid bytes are an error at their line and column.
//! - A UTF-8 byte order mark is skipped with a warning (RFC 8259 §8.1 lets readers ignore it);
//!   it is not written back.
//! - An empty `coordinates` array is accepted and read as no geometry (RFC 7946 §3.1 lets
//!   readers take it as null); it is written back as it was.
//! - A bare Geometry becomes one feature whose original text is
//!   `{"type":"Feature","geometry":` + the geometry's exact text + `,"properties":null}`, so a
//!   feature's original text is always a Feature; the writer writes the bare geometry back.
//!
//! Writing ([`write_layer`], [`write_merged`], [`to_string`]) puts unedited features out as
//! their exact original text and edited ones from their JSON object; see [`write`].

mod crs_member;
mod fast;
mod json;
mod locate;
mod read;
mod validate;
pub mod write;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::io::progress::{Progress, Stage};
use crate::model::Layer;
pub use crate::model::{Problem, Severity};
pub use write::{to_string, write_layer, write_merged};

/// Why a file could not be read as a layer. Messages do not repeat their `source`: print the
/// chain (`{:#}` with anyhow) to see the cause.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file could not be read at all (missing, unreadable, a folder).
    #[error("cannot read {}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file was read but is not valid GeoJSON; `problems` holds every error and warning,
    /// sorted by place.
    #[error("{name} is not valid GeoJSON: {}{}", first_error(.problems), more(.problems))]
    Invalid {
        name: String,
        problems: Vec<Problem>,
    },
    /// Reading was cancelled (the Cancel button next to its progress bar).
    #[error("reading {name} was cancelled")]
    Cancelled { name: String },
    /// A KML, KMZ or CSV file that could not be read; `problems` says what and where.
    #[error("{name} is not a readable {format} file: {}{}", first_error(.problems), more(.problems))]
    Format {
        name: String,
        format: &'static str,
        problems: Vec<Problem>,
    },
    /// A database table that could not be read (the server refused, is unreachable, the table
    /// has no geometry column...). The message never holds a password.
    #[error("{name}: {message}")]
    Database { name: String, message: String },
}

impl ReadError {
    /// Every problem found (errors and warnings); empty for an I/O error.
    pub fn problems(&self) -> &[Problem] {
        match self {
            ReadError::Io { .. } | ReadError::Cancelled { .. } | ReadError::Database { .. } => &[],
            ReadError::Invalid { problems, .. } | ReadError::Format { problems, .. } => problems,
        }
    }
}

fn first_error(problems: &[Problem]) -> String {
    problems
        .iter()
        .find(|p| p.is_error())
        .map_or_else(|| "unknown problem".to_owned(), ToString::to_string)
}

fn more(problems: &[Problem]) -> String {
    match problems.iter().filter(|p| p.is_error()).count() {
        0 | 1 => String::new(),
        n => format!(" (and {} more errors)", n - 1),
    }
}

/// Read and check a GeoJSON file. The layer is named after the file and remembers its path.
pub fn read_path(path: &Path) -> Result<Layer, ReadError> {
    read_path_with(path, &Progress::default())
}

/// [`read_path`], reporting how far it got to `progress` (bytes read, then features checked)
/// and stopping with [`ReadError::Cancelled`] soon after it is cancelled.
pub fn read_path_with(path: &Path, progress: &Progress) -> Result<Layer, ReadError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let io_error = |source| ReadError::Io {
        path: path.to_owned(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(io_error)?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    progress.start(Stage::Reading, size);
    // Read in steps (to show progress and allow a cancel) into one buffer of the file's size,
    // which becomes the features' shared text without a copy.
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0).saturating_add(1));
    let mut chunk = std::io::Read::take(&mut file, 0);
    loop {
        if progress.cancelled() {
            return Err(ReadError::Cancelled { name });
        }
        chunk.set_limit(READ_STEP);
        match std::io::Read::read_to_end(&mut chunk, &mut bytes) {
            Ok(0) => break,
            Ok(_) => progress.advance(bytes.len() as u64),
            Err(e) => return Err(io_error(e)),
        }
    }
    let mut layer = read_owned_with(bytes, &name, progress)?;
    layer.path = Some(path.to_owned());
    Ok(layer)
}

/// How much of a file is read between two progress reports.
const READ_STEP: u64 = 8 << 20;

/// Read and check GeoJSON bytes, which must be UTF-8.
pub fn read_bytes(bytes: &[u8], name: &str) -> Result<Layer, ReadError> {
    read_owned(bytes.to_vec(), name)
}

/// Read and check GeoJSON bytes, which must be UTF-8, keeping them (without a copy) as the
/// features' original text.
pub fn read_owned(bytes: Vec<u8>, name: &str) -> Result<Layer, ReadError> {
    read_owned_with(bytes, name, &Progress::default())
}

fn read_owned_with(bytes: Vec<u8>, name: &str, progress: &Progress) -> Result<Layer, ReadError> {
    match String::from_utf8(bytes) {
        Ok(text) => read_shared(&Arc::new(text), name, progress),
        Err(e) => {
            let bytes = e.as_bytes();
            let e = e.utf8_error();
            let valid = &bytes[..e.valid_up_to()];
            // The prefix up to the first bad byte is valid by definition.
            let prefix = std::str::from_utf8(valid).unwrap_or_default();
            let (line, column) = locate::Text::new(prefix).line_col(prefix.len());
            let bad = bytes.get(e.valid_up_to()).copied().unwrap_or_default();
            Err(ReadError::Invalid {
                name: name.to_owned(),
                problems: vec![Problem {
                    severity: Severity::Error,
                    line: Some(line),
                    column: Some(column),
                    path: String::new(),
                    message: format!(
                        "invalid UTF-8 (byte 0x{bad:02X}); GeoJSON text must be UTF-8 \
                         (RFC 7946 §1.2)"
                    ),
                }],
            })
        }
    }
}

/// Read and check GeoJSON text; `name` becomes the layer's name.
pub fn read_str(text: &str, name: &str) -> Result<Layer, ReadError> {
    read_shared(&Arc::new(text.to_owned()), name, &Progress::default())
}

/// Read and check GeoJSON text that becomes the features' shared original text (a database
/// table's rows, written as GeoJSON by the server).
pub(crate) fn read_shared(
    text: &Arc<String>,
    name: &str,
    progress: &Progress,
) -> Result<Layer, ReadError> {
    let read = read::read_text(text, name, progress);
    if progress.cancelled() {
        return Err(ReadError::Cancelled {
            name: name.to_owned(),
        });
    }
    match read {
        (Some(mut layer), _) => match crs_member::reproject(&mut layer) {
            Ok(()) => Ok(layer),
            Err(message) => Err(ReadError::Invalid {
                name: name.to_owned(),
                problems: vec![Problem {
                    severity: Severity::Error,
                    line: None,
                    column: None,
                    path: "crs".into(),
                    message,
                }],
            }),
        },
        (None, problems) => Err(ReadError::Invalid {
            name: name.to_owned(),
            problems,
        }),
    }
}

/// Read and check GeoJSON text, returning every problem even when the file is valid (the
/// warnings) and the layer only when it is.
pub fn check_str(text: &str, name: &str) -> (Option<Layer>, Vec<Problem>) {
    read::read_text(&Arc::new(text.to_owned()), name, &Progress::default())
}

#[cfg(test)]
mod tests;
