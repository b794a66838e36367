//! The inputs of `animate`, `report` and `publish`: files and projects read into a
//! [`crate::publish::Scene`], every problem printed; any problem stops the command (exit 1).
//! An encrypted input published to a plaintext file is noted on stderr first.

use std::path::PathBuf;

use crate::cli::publish_output::Out;

use crate::publish::{self, Scene};

/// Read `files` (or the bundled sample when there are none and `sample_if_none`), printing
/// each problem on stderr, and saying first when an encrypted input goes into `out` in
/// plaintext (`out.seal` is `None`); `None` when any input could not be read.
pub(super) fn read(
    command: &str,
    files: &[PathBuf],
    sample_if_none: bool,
    out: &Out,
) -> Option<Scene> {
    let loaded = if files.is_empty() && sample_if_none {
        publish::sample()
    } else {
        publish::load(files)
    };
    for problem in &loaded.problems {
        eprintln!("{problem}");
    }
    if loaded.problems.is_empty() {
        for path in loaded.sealed.iter().filter(|_| out.seal.is_none()) {
            eprintln!(
                "raidmap {command}: note: {} is encrypted, but {} is written in plaintext \
                 (anyone who gets it reads it; end it in .age and give --passphrase-env or \
                 --recipient to keep it encrypted)",
                path.display(),
                out.path.display()
            );
        }
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
