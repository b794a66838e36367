//! Private temporary copies of attached files, for opening them in the system's viewer: a
//! folder only the user can read (mode 0700 on Unix), deleted with everything in it when the
//! [`TempCopies`] is dropped or [`TempCopies::clear`]ed (the project closes, raidmap exits).
//! Folders left by a run that crashed are removed by [`remove_stale`] at start.

use std::path::{Path, PathBuf};

/// The prefix of the folders made here, in the system's temporary folder.
const PREFIX: &str = "raidmap-open-";

/// Copies made for the viewer; all deleted together.
#[derive(Debug, Default)]
pub struct TempCopies {
    dir: Option<tempfile::TempDir>,
}

impl TempCopies {
    /// Write `bytes` as `name` (its folder part dropped) into the private folder; returns its
    /// path.
    pub fn write(&mut self, name: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
        if self.dir.is_none() {
            let mut builder = tempfile::Builder::new();
            builder.prefix(PREFIX);
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt as _;
                builder.permissions(std::fs::Permissions::from_mode(0o700));
            }
            self.dir = Some(builder.tempdir()?);
        }
        let dir = self
            .dir
            .as_ref()
            .map(tempfile::TempDir::path)
            .unwrap_or(Path::new("."));
        let base = Path::new(name)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.'))
            .unwrap_or_else(|| "attachment".into());
        let path = dir.join(base);
        crate::io::write_atomic(&path, |w| std::io::Write::write_all(w, bytes))
            .map_err(std::io::Error::other)?;
        Ok(path)
    }

    /// The private folder, once a copy was made.
    pub fn folder(&self) -> Option<&Path> {
        self.dir.as_ref().map(tempfile::TempDir::path)
    }

    /// Delete every copy and the folder.
    pub fn clear(&mut self) {
        if let Some(dir) = self.dir.take()
            && let Err(e) = dir.close()
        {
            log::warn!("could not delete the temporary copies: {e}");
        }
    }
}

impl Drop for TempCopies {
    fn drop(&mut self) {
        self.clear();
    }
}

/// Remove folders of temporary copies older than a day (left by a run that did not exit
/// cleanly).
pub fn remove_stale() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() > 24 * 3600);
        if name.to_string_lossy().starts_with(PREFIX) && old {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_are_private_and_go_away() {
        let mut copies = TempCopies::default();
        let path = copies.write("../x/photo.jpg", b"bytes").expect("writes");
        assert_eq!(path.file_name().and_then(|n| n.to_str()), Some("photo.jpg"));
        let folder = copies.folder().expect("made").to_owned();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&folder)
                .expect("exists")
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "only the user may read it");
        }
        copies.clear();
        assert!(!folder.exists());
        assert!(!path.exists());
    }
}
