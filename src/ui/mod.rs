//! The GUI (PRELIMINARY: being built).

pub mod basemap_view;

use std::path::PathBuf;
use std::process::ExitCode;

pub fn run_app(_files: Vec<PathBuf>) -> ExitCode {
    ExitCode::SUCCESS
}
