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

mod fast;
mod json;
mod locate;
mod read;
mod validate;
pub mod write;

use std::path::{Path, PathBuf};
use std::sync::Arc;

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
    /// A KML, KMZ or CSV file that could not be read; `problems` says what and where.
    #[error("{name} is not a readable {format} file: {}{}", first_error(.problems), more(.problems))]
    Format {
        name: String,
        format: &'static str,
        problems: Vec<Problem>,
    },
}

impl ReadError {
    /// Every problem found (errors and warnings); empty for an I/O error.
    pub fn problems(&self) -> &[Problem] {
        match self {
            ReadError::Io { .. } => &[],
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
    let bytes = std::fs::read(path).map_err(|source| ReadError::Io {
        path: path.to_owned(),
        source,
    })?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let mut layer = read_owned(bytes, &name)?;
    layer.path = Some(path.to_owned());
    Ok(layer)
}

/// Read and check GeoJSON bytes, which must be UTF-8.
pub fn read_bytes(bytes: &[u8], name: &str) -> Result<Layer, ReadError> {
    read_owned(bytes.to_vec(), name)
}

/// Read and check GeoJSON bytes, which must be UTF-8, keeping them (without a copy) as the
/// features' original text.
pub fn read_owned(bytes: Vec<u8>, name: &str) -> Result<Layer, ReadError> {
    match String::from_utf8(bytes) {
        Ok(text) => read_shared(&Arc::new(text), name),
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
    read_shared(&Arc::new(text.to_owned()), name)
}

fn read_shared(text: &Arc<String>, name: &str) -> Result<Layer, ReadError> {
    match read::read_text(text, name) {
        (Some(layer), _) => Ok(layer),
        (None, problems) => Err(ReadError::Invalid {
            name: name.to_owned(),
            problems,
        }),
    }
}

/// Read and check GeoJSON text, returning every problem even when the file is valid (the
/// warnings) and the layer only when it is.
pub fn check_str(text: &str, name: &str) -> (Option<Layer>, Vec<Problem>) {
    read::read_text(&Arc::new(text.to_owned()), name)
}

#[cfg(test)]
mod tests;
