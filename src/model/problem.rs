//! A problem found in an input file (an RFC 7946 MUST broken, or a SHOULD ignored), with its
//! place, so the command line and the GUI report the same thing in the same words.
//!
//! It lives in `model` because a [`Layer`](super::Layer) keeps the warnings found while it was
//! read; the reader that finds them is `io::geojson`.

use std::fmt;

/// How bad a problem is: errors break RFC 7946 (MUST), warnings are SHOULD-level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// The file is not valid GeoJSON (or not JSON); it is not loaded.
    Error,
    /// The file loads, but something is not as RFC 7946 recommends.
    Warning,
}

/// One problem found in a file, with its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    /// 1-based line where the problem is, when the text gives it.
    pub line: Option<usize>,
    /// 1-based column in characters (Unicode scalar values, not bytes), with `line`.
    pub column: Option<usize>,
    /// JSON path such as `features[3].geometry.coordinates[0]`; empty for the whole file.
    pub path: String,
    pub message: String,
}

impl Problem {
    /// A warning about the whole file (no line, no path).
    pub fn warning(message: String) -> Self {
        Self {
            severity: Severity::Warning,
            line: None,
            column: None,
            path: String::new(),
            message,
        }
    }

    /// Whether this problem makes the file invalid.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// `LINE:COLUMN: message (at PATH)`, or `PATH: message` when there is no line.
impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.path.is_empty()) {
            (Some(line), empty_path) => {
                write!(f, "{line}:{}: {}", self.column.unwrap_or(1), self.message)?;
                if !empty_path {
                    write!(f, " (at {})", self.path)?;
                }
                Ok(())
            }
            (None, false) => write!(f, "{}: {}", self.path, self.message),
            (None, true) => f.write_str(&self.message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(line: Option<usize>, path: &str) -> Problem {
        Problem {
            severity: Severity::Error,
            line,
            column: line.map(|_| 7),
            path: path.into(),
            message: "bad".into(),
        }
    }

    #[test]
    fn problems_show_their_line_and_column_first_and_their_path_last() {
        assert_eq!(
            problem(Some(3), "features[0]").to_string(),
            "3:7: bad (at features[0])"
        );
        assert_eq!(problem(Some(3), "").to_string(), "3:7: bad");
        assert_eq!(problem(None, "features[0]").to_string(), "features[0]: bad");
        assert_eq!(problem(None, "").to_string(), "bad");
    }
}
