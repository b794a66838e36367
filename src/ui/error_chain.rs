//! An error with its causes, one line each, as the window shows it (problems window, status
//! bar).

/// An error and its causes, one per line.
pub(crate) fn error_chain(err: &dyn std::error::Error) -> Vec<String> {
    let mut lines = vec![err.to_string()];
    let mut source = err.source();
    while let Some(cause) = source {
        lines.push(format!("caused by: {cause}"));
        source = cause.source();
    }
    lines
}
