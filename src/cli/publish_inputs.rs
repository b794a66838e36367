//! The inputs of `animate`, `report` and `publish`: files and projects read into a
//! [`crate::publish::Scene`], every problem printed; any problem stops the command (exit 1).

use std::path::PathBuf;

use crate::publish::{self, Scene};

/// Read `files` (or the bundled sample when there are none and `sample_if_none`), printing
/// each problem on stderr; `None` when any input could not be read.
pub fn read(command: &str, files: &[PathBuf], sample_if_none: bool) -> Option<Scene> {
    let loaded = if files.is_empty() && sample_if_none {
        publish::sample()
    } else {
        publish::load(files)
    };
    for problem in &loaded.problems {
        eprintln!("{problem}");
    }
    if loaded.problems.is_empty() {
        Some(loaded.scene)
    } else {
        eprintln!(
            "raidmap {command}: nothing written: {} problem{} with the inputs",
            loaded.problems.len(),
            if loaded.problems.len() == 1 { "" } else { "s" }
        );
        None
    }
}
