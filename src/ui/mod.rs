//! The GUI (PRELIMINARY: being built).

use std::path::PathBuf;
use std::process::ExitCode;

pub fn run_app(_files: Vec<PathBuf>) -> ExitCode {
    ExitCode::SUCCESS
}
